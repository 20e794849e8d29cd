/**
 * The door to Docker: the `docker` CLI, run as a child process, never through a shell.
 *
 * Why the CLI and not a library of the Engine API: it is what every Docker user has (Docker Engine, Docker Desktop,
 * Colima, rootless), it already honours DOCKER_HOST, DOCKER_CONTEXT, TLS settings and credential helpers for
 * pulls, and each call costs about 15 ms here. dockerode 5 (the well-kept Engine API client) would bring gRPC,
 * protobufjs and ssh2 with its optional native parts into the emulator's bundle for the same six calls (create,
 * start, logs, inspect, kill, rm) and would still miss contexts and credential helpers.
 */
import {execFileSync, spawn, SpawnOptions} from 'node:child_process'

export interface DockerOutput {
  code: null | number
  stderr: string
  stdout: string
}

/** The program: `docker` on the emulator's PATH. */
export const DOCKER = 'docker'

const notInstalled = (program: string): string =>
  `the docker runtime needs the docker CLI, and "${program}" was not found on PATH: install Docker, or run the ` +
  'emulator with --runtime process'

/**
 * Runs one docker command to its end; a missing CLI is an answer too (code null, the sentence in stderr).
 * `onLine` gets each line of stdout as it comes (a pull's progress).
 */
export function docker(
  args: readonly string[],
  options: SpawnOptions = {},
  onLine?: (line: string) => void,
): Promise<DockerOutput> {
  const program = DOCKER
  return new Promise((resolve) => {
    const child = spawn(program, args, {...options, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    let pending = ''
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      stdout += text
      if (!onLine) return
      const lines = (pending + text).split('\n')
      pending = lines.pop()!
      for (const line of lines) if (line !== '') onLine(line)
    })
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      stderr += text
    })
    child.on('error', (error: NodeJS.ErrnoException) =>
      resolve({code: null, stderr: error.code === 'ENOENT' ? notInstalled(program) : error.message, stdout}),
    )
    child.on('close', (code) => resolve({code, stderr, stdout}))
  })
}

/** The same, waited for: only at start (removing an earlier emulator's containers), never while jobs run. */
export function dockerSync(args: readonly string[]): DockerOutput {
  const program = DOCKER
  try {
    const stdout = execFileSync(program, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000})
    return {code: 0, stderr: '', stdout}
  } catch (error) {
    const failed = error as NodeJS.ErrnoException & {status?: null | number; stderr?: string}
    if (failed.code === 'ENOENT') return {code: null, stderr: notInstalled(program), stdout: ''}
    return {code: failed.status ?? null, stderr: failed.stderr ?? failed.message, stdout: ''}
  }
}

/** What the daemon said, in one line, as ECS quotes it in a reason ("Error response from daemon: ..."). */
export function daemonWords(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('Error: failed to start containers'))
  const line = lines.find((l) => l.includes('Error response from daemon')) ?? lines[0] ?? 'no answer from docker'
  return line.replace(/^docker: /, '')
}
