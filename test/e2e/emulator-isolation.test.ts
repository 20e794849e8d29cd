/**
 * Jobs against each other and against the emulator (README, Security model): an attempt runs in a private folder
 * outside the state dir; its session credentials work while it runs, never on the emulator's control endpoints,
 * and not at all once it has ended; what it started dies with it even when it left every group (`setsid` under
 * the /proc watchdog, a write to another cgroup's cgroup.procs under cgroup v1). The built CLI against a real
 * emulator, jobs as real processes.
 */
import * as fs from 'node:fs'
import {request} from 'node:http'
import * as os from 'node:os'
import path from 'node:path'

import {availability} from '../../src/emulator/batch/engine/limits/detect'
import {readProcess} from '../../src/emulator/batch/engine/limits/process-tree'
import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {pause} from '../helpers/running'
import {signedHeaders, type TestCredentials} from '../helpers/sign'

interface Reply {
  body: string
  errorType?: string
  status: number
}

function send(url: string, to: {method: string; path: string}, headers: Record<string, string>, body = '') {
  return new Promise<Reply>((done, fail) => {
    const req = request(`${url}${to.path}`, {agent: false, headers, method: to.method}, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk
      })
      res.on('end', () =>
        done({body: text, errorType: res.headers['x-amzn-errortype'] as string | undefined, status: res.statusCode!}),
      )
    })
    req.on('error', fail)
    req.end(body)
  })
}

/** Polls `check` every 20 ms until it returns a value, up to `ms`. */
async function until<T>(check: () => T | undefined, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    // eslint-disable-next-line no-await-in-loop -- polling
    await pause(20)
  }
}

const readText = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

const alive = (pid: number): boolean => readProcess(pid) !== undefined

describe('an attempt and what it was given', () => {
  let emulator: TestEmulator
  let scratch: string

  beforeAll(async () => {
    emulator = await startEmulator()
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mfbatch-isolation-'))
  })

  afterAll(async () => {
    await emulator?.stop()
    if (emulator) removeStateDir(emulator.stateDir)
    if (scratch) removeStateDir(scratch)
  })

  test('runs in a private folder of the temporary folder, not under the state dir, removed after it', async () => {
    const run = await runCli(['submit', '--queue', 'local', '--follow', '--', 'sh', '-c', 'pwd; stat -c %a .'], {
      env: emulator.env,
    })
    expect(run.code).toBe(0)
    const [dir, mode] = run.stdout.trim().split('\n')
    expect(path.relative(emulator.stateDir, dir).startsWith('..')).toBe(true)
    expect(path.dirname(dir)).toBe(os.tmpdir())
    expect(path.basename(dir)).toMatch(/^mfbatch-attempt-[\da-f]{12}-\w{6}$/)
    expect(mode).toBe('700')
    expect(fs.existsSync(dir)).toBe(false)
  }, 30_000)

  test('its session credentials work while it runs, never on /__emulator/*, and not at all once it has ended', async () => {
    const out = path.join(scratch, 'credentials.json')
    const go = path.join(scratch, 'go')
    const fetchOwn =
      'import json, os, urllib.request as u\n' +
      'r = u.Request(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"], ' +
      'headers={"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]})\n' +
      'open(os.environ["OUT"] + ".tmp", "w").write(u.urlopen(r).read().decode())\n' +
      'os.rename(os.environ["OUT"] + ".tmp", os.environ["OUT"])\n'
    const script = 'python3 -c "$FETCH" && while [ ! -e "$GO" ]; do sleep 0.05; done'
    const submitted = await runCli(
      [
        'submit',
        '--queue',
        'local',
        '--quiet',
        '--env',
        `OUT=${out}`,
        '--env',
        `GO=${go}`,
        '--env',
        `FETCH=${fetchOwn}`,
        '--',
        'sh',
        '-c',
        script,
      ],
      {env: emulator.env},
    )
    expect(submitted.code).toBe(0)
    const jobId = submitted.stdout.trim()
    const text = await until(() => readText(out), 20_000, 'the job to fetch its credentials')
    const session = JSON.parse(text) as {AccessKeyId: string; SecretAccessKey: string; Token: string}
    const credentials: TestCredentials = {
      accessKeyId: session.AccessKeyId,
      secretAccessKey: session.SecretAccessKey,
      sessionToken: session.Token,
    }
    const describeQueues = async (as: TestCredentials) =>
      send(
        emulator.url,
        {method: 'POST', path: '/v1/describejobqueues'},
        await signedHeaders(as, emulator.url, {
          body: '{}',
          headers: {'content-type': 'application/json'},
          method: 'POST',
          path: '/v1/describejobqueues',
        }),
        '{}',
      )
    const stats = async (as: TestCredentials) =>
      send(
        emulator.url,
        {method: 'GET', path: '/__emulator/stats'},
        await signedHeaders(as, emulator.url, {method: 'GET', path: '/__emulator/stats'}),
      )

    expect((await describeQueues(credentials)).status).toBe(200)
    const control = await stats(credentials)
    expect([control.status, control.errorType]).toEqual([403, 'AccessDeniedException'])
    expect(JSON.parse(control.body)).toEqual({
      __type: 'AccessDeniedException',
      message: "The emulator's control endpoints take only its own credentials, not a job's",
    })
    expect((await stats(emulator.credentials)).status).toBe(200)

    fs.writeFileSync(go, '')
    const waited = await runCli(['status', jobId, '--wait'], {env: emulator.env})
    expect(waited.code).toBe(0)
    const after = await describeQueues(credentials)
    expect([after.status, after.errorType]).toEqual([403, 'ExpiredTokenException'])
    expect(JSON.parse(after.body)).toEqual({
      __type: 'ExpiredTokenException',
      message: 'The security token included in the request is expired',
    })
  }, 60_000)
})

const why = availability()

describe('what an attempt started dies with it, even out of every group', () => {
  const emulators: TestEmulator[] = []
  let scratch: string

  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mfbatch-isolation-'))
  })

  afterAll(async () => {
    for (const emulator of emulators) {
      // eslint-disable-next-line no-await-in-loop -- one after the other
      await emulator.stop()
      removeStateDir(emulator.stateDir)
    }

    if (scratch) removeStateDir(scratch)
  })

  /** Runs `script` as a job that leaves a process behind (its pid in a file), and checks it is dead after the job. */
  async function leftBehind(mechanism: string, script: string): Promise<void> {
    const emulator = await startEmulator({env: {MFBATCH_EMULATOR_LIMITS: mechanism}})
    emulators.push(emulator)
    const pidFile = path.join(scratch, `${mechanism}.pid`)
    const run = await runCli(
      [
        'submit',
        '--queue',
        'local',
        '--memory',
        '200',
        '--wait',
        '--env',
        `PIDFILE=${pidFile}`,
        '--',
        'sh',
        '-c',
        script,
      ],
      {env: emulator.env},
    )
    expect(run.code).toBe(0)
    const pid = Number(readText(pidFile))
    expect(pid).toBeGreaterThan(1)
    await until(() => (alive(pid) ? undefined : true), 5000, `the escaped process ${pid} to die`)
  }

  ;(why.watchdog === undefined ? test : test.skip)(
    'under the watchdog: a (setsid sleep &) whose parent is gone before the first sample',
    async () => {
      await leftBehind('watchdog', '(setsid sleep 300 & echo $! > "$PIDFILE")')
    },
    30_000,
  )

  // As root the emulator makes cgroup file systems read-only for jobs (README, Security model); a job still reaches a
  // writable one through /proc/<pid>/root of the emulator (same user): what it moves out is found by its marker.
  ;(why['cgroup-v1'] === undefined && process.getuid?.() === 0 ? test : test.skip)(
    "under cgroup v1: cgroup.procs is read-only; a setsid child that moves itself into the emulator's cgroup anyway",
    async () => {
      const script =
        'own=$(sed -n "s/^[0-9]*:memory://p" /proc/self/cgroup); up=$(dirname "$(dirname "$own")"); ' +
        String.raw`if echo $$ > /sys/fs/cgroup/memory$up/cgroup.procs; then exit 4; fi; ` +
        String.raw`setsid sh -c "echo \$\$ > /proc/$PPID/root/sys/fs/cgroup/memory$up/cgroup.procs && exec sleep 300" & ` +
        String.raw`echo $! > "$PIDFILE"; i=0; while ! grep -q "memory:$up\$" /proc/$!/cgroup; ` +
        'do i=$((i+1)); [ $i -lt 100 ] || exit 3; sleep 0.05; done'
      await leftBehind('cgroup-v1', script)
    },
    30_000,
  )
})
