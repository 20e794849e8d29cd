/**
 * `--package` through `--local` as a newcomer runs it (a fresh HOME, no AWS_* variables, the detached emulator on a
 * free port with its state in a temporary folder): the presigned URL never reaches a command line that /proc shows,
 * the bootstrap is silent when it works and says every step when it fails, the package lives in the attempt's own
 * scratch space, python's unpacking never writes outside it, secrets and .gitignore'd files stay home, a bad bucket
 * name is one line, and `rerun --package` ships the fixed code.
 */
import {type ChildProcess, execFileSync, spawn} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {stopDaemon} from '../../src/emulator/daemon'
import {runCli} from '../helpers/emulator'
import {freePort} from '../helpers/ports'

let work: string
let env: Record<string, string>
let made = 0

const mfbatch = (cwd: string, ...args: string[]) => runCli(args, {cwd, env})
/** `submit --local --quiet --package --follow -- sh -c SCRIPT` from `dir`. */
const followPackaged = (dir: string, script: string) =>
  mfbatch(dir, 'submit', '--local', '--quiet', '--package', '--follow', '--', 'sh', '-c', script)

/** A project folder (not in a git work tree) holding these files. */
function project(files: Record<string, string>): string {
  const dir = join(work, `project-${++made}`)
  mkdirSync(dir)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), {recursive: true})
    writeFileSync(join(dir, path), text)
  }

  return dir
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mfbatch-pkg-boot-'))
  env = {
    MFBATCH_EMULATOR_PORT: String(await freePort()),
    // --follow's wait for late log lines is tested elsewhere; the emulator's logs are complete when a job ends.
    MFBATCH_LOGS_GRACE: '0',
    XDG_DATA_HOME: join(work, 'data'),
  }
  // Started once here, so no test's stderr holds the "started the emulator" line.
  const started = await mfbatch(work, 'emulator', 'start')
  expect(started.code).toBe(0)
}, 60_000)

afterAll(async () => {
  await stopDaemon(join(work, 'data', 'mfbatch', 'emulator'))
  rmSync(work, {force: true, recursive: true})
})

describe('the presigned URL is on no command line', () => {
  test.each(['aws', 'curl', 'wget', 'urllib'])(
    'downloading with %s: a /proc reader never sees X-Amz-Signature=, and the command does not inherit the URL',
    async (via) => {
      const dir = project({'hello.txt': `hello ${via}\n`})
      const token = `t${process.pid}${Date.now()}`
      const reader = await procReader(token)
      const result = await mfbatch(
        dir,
        'submit',
        '--local',
        '--quiet',
        '--package',
        '--follow',
        '--env',
        `MFBATCH_BOOTSTRAP_VIA=${via}`,
        '--env',
        `PROC_TOKEN=${token}`,
        '--',
        'sh',
        '-c',
        'cat hello.txt; printenv MFBATCH_PACKAGE_URL || echo unset',
      )
      const seen = await reader.stop()
      expect(result).toEqual({code: 0, stderr: '', stdout: `hello ${via}\nunset\n`})
      // The reader did look while the bootstrap ran (its sh, named in its own argv)...
      expect(seen.some((line) => line.includes(' mfbatch-bootstrap '))).toBe(true)
      // ...and no process of the job ever had the URL's signature on its command line.
      expect(seen.filter((line) => line.includes('X-Amz-Signature='))).toEqual([])
    },
    60_000,
  )
})

describe('quiet when it works, every step when it fails', () => {
  test('a job that works: its own output only; the package was in its scratch space, gone once it ended', async () => {
    const dir = project({'hello.txt': 'hello\n'})
    const result = await followPackaged(dir, 'cat hello.txt; pwd')
    const [hello, where, ...rest] = result.stdout.split('\n')
    expect([result.code, result.stderr, hello, rest]).toEqual([0, '', 'hello', ['']])
    expect(where).toMatch(/\/mfbatch-package\.\w+\/code$/)
    // Not a shared /tmp/mfbatch-package.* that outlives the job.
    expect(dirname(dirname(where))).not.toBe(tmpdir())
    expect(existsSync(dirname(where))).toBe(false)
  }, 60_000)

  test('a corrupt package: exit 1, and the log names every step, the failing one last, with what to do', async () => {
    const dir = project({'data.txt': `unique ${Date.now()}\n`})
    const first = await mfbatch(dir, 'submit', '--local', '--quiet', '--package', '--json', '--wait', '--', 'true')
    expect(first.code).toBe(0)
    const {sha256} = JSON.parse(first.stdout).package
    writeFileSync(join(work, 'data', 'mfbatch', 'emulator', 's3', 'objects', sha256), 'not the package')
    const args = ['--package', '--env', 'MFBATCH_BOOTSTRAP_VIA=curl', '--follow', '--', 'true']
    const result = await mfbatch(dir, 'submit', '--local', '--quiet', ...args)
    const object = `s3://mfbatch-local/mfbatch/packages/${sha256}.tar.gz`
    const bad = createHash('sha256').update('not the package').digest('hex')
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('')
    expect(result.stdout.split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^mfbatch-bootstrap: fetching ${object} into /\\S+/mfbatch-package\\.\\w+ \\(tries: curl\\)$`),
      ),
      'mfbatch-bootstrap: downloaded with curl (15 bytes)',
      `mfbatch-bootstrap: checksum mismatch: ${object} has sha256 ${bad}, expected ${sha256}; the object is corrupt, ` +
        'submit again',
      '',
    ])
  }, 60_000)
})

describe("python's unpacking (when tar refuses) never writes outside the package", () => {
  test.each([
    ["with tarfile's data filter", false],
    ['without it (older pythons): every member checked first', true],
  ])(
    '%s',
    async (_name, withoutFilter) => {
      const outside = mkdtempSync(join(work, 'outside-'))
      const target = join(outside, 'escaped.txt')
      const archive = join(work, `evil-${withoutFilter}.tar.gz`)
      // A member that climbs out of any folder to `target`: GNU tar refuses it, so the bootstrap falls back to python.
      execFileSync('python3', ['-c', EVIL_TAR, archive, `${'../'.repeat(40)}${target.slice(1)}`])
      const sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex')
      const key = `evil/${sha256}.tar.gz`
      const upload = await mfbatch(
        work,
        'submit',
        '--local',
        '--quiet',
        '--wait',
        '--',
        'sh',
        '-c',

        'aws --endpoint-url "$AWS_ENDPOINT_URL_S3" s3 cp --only-show-errors "$0" "$1"',
        archive,
        `s3://mfbatch-local/${key}`,
      )
      expect(upload.code).toBe(0)
      const dry = await mfbatch(
        project({'a.txt': 'a\n'}),
        'submit',
        '--local',
        '--queue',
        'local',
        '--dry-run',
        '--json',
        '--package',
        '--',
        'true',
      )
      const script = JSON.parse(dry.stdout).submitJob.containerOverrides.command[2] as string
      const facts = `B='mfbatch-local'; K='${key}'; S='${sha256}'; IMAGE='test'`
      const bootstrap = `${facts}\n${script.split('\n').slice(1).join('\n')}`
      const site = join(work, `site-${withoutFilter}`)
      mkdirSync(site)
      writeFileSync(join(site, 'sitecustomize.py'), 'import tarfile\ndel tarfile.data_filter\n')
      const result = await mfbatch(
        work,
        'submit',
        '--local',
        '--quiet',
        '--env',
        'MFBATCH_BOOTSTRAP_VIA=boto3',
        ...(withoutFilter ? ['--env', `PYTHONPATH=${site}`] : []),
        '--follow',
        '--',
        'sh',
        '-c',
        bootstrap,
        'mfbatch-bootstrap',
        'true',
      )
      expect(existsSync(target)).toBe(false)
      expect(result.code).toBe(1)
      const refused = withoutFilter ? /refused member '[./]+tmp\/\S+escaped\.txt'/ : /outside the destination/
      expect(result.stdout).toMatch(
        /^mfbatch-bootstrap: tar could not unpack the package: .*Member name contains '\.\.'/m,
      )
      expect(result.stdout).toMatch(/^mfbatch-bootstrap: python could not unpack the package: .*$/m)
      expect(result.stdout.split('\n').find((line) => line.includes('python could not'))).toMatch(refused)
    },
    90_000,
  )
})

describe('what ships', () => {
  test('outside git: .gitignore files (nested ones too) apply; likely secrets stay home, named once on stderr', async () => {
    const dir = project({
      '.aws/credentials': '[default]\n',
      '.gitignore': 'model.txt\n*.log\n',
      '.mfbatchignore': '!id_rsa.pub\n',
      'deploy.pem': 'key\n',
      // eslint-disable-next-line camelcase -- a file name
      id_rsa: 'key\n',
      'id_rsa.pub': 'public\n',
      'model.txt': 'stale\n',
      'sub/.gitignore': '!keep.log\n',
      'sub/a.log': 'a\n',
      'sub/keep.log': 'keep\n',
      'train.py': 'print("train")\n',
    })
    const result = await followPackaged(dir, 'find . -type f | sort')
    expect(result).toEqual({
      code: 0,
      stderr:
        'mfbatch: warning: left out of the package as likely secrets: .aws/, deploy.pem, id_rsa; to ship one, add a ' +
        '"!.aws/" line to .mfbatchignore (a line without "!" leaves it out without this warning)\n',
      stdout: './.gitignore\n./.mfbatchignore\n./id_rsa.pub\n./sub/.gitignore\n./sub/keep.log\n./train.py\n',
    })
  }, 60_000)

  test('--json too: the warning still names what was left out', async () => {
    const dir = project({'deploy.pem': 'key\n', 'train.py': 'print("train")\n'})
    const args = ['--local', '--queue', 'local', '--dry-run', '--json', '--package', '--', 'python3', 'train.py']
    const result = await mfbatch(dir, 'submit', ...args)
    expect([result.code, result.stderr, JSON.parse(result.stdout).package.files]).toEqual([
      0,
      'mfbatch: warning: left out of the package as likely secrets: deploy.pem; to ship one, add a "!deploy.pem" ' +
        'line to .mfbatchignore (a line without "!" leaves it out without this warning)\n',
      1,
    ])
  })

  test('a package above the multipart part size (8 MiB) is streamed up whole', async () => {
    const dir = project({})
    const data = randomBytes(12 * 1024 * 1024)
    writeFileSync(join(dir, 'data.bin'), data)
    const sum = createHash('sha256').update(data).digest('hex')
    // curl: one plain GET (the emulator answers the AWS CLI's ranged GETs with the whole object).
    const args = ['--package', '--env', 'MFBATCH_BOOTSTRAP_VIA=curl', '--follow', '--', 'sha256sum', 'data.bin']
    expect(await mfbatch(dir, 'submit', '--local', '--quiet', ...args)).toEqual({
      code: 0,
      stderr: '',
      stdout: `${sum}  data.bin\n`,
    })
  }, 60_000)

  test('--package-root s3://b/p: exit 2, one line naming the flag, the value and the bucket rule', async () => {
    const result = await mfbatch(
      project({'a.txt': 'a\n'}),
      'submit',
      '--local',
      '--package',
      '--package-root',
      's3://b/p',
      '--',
      'true',
    )
    expect(result).toEqual({
      code: 2,
      stderr:
        'mfbatch: --package-root: "s3://b/p" is not allowed; the bucket name "b" is too short; S3 bucket names are ' +
        '3 to 63 characters: lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit\n',
      stdout: '',
    })
  })
})

describe('rerun --package', () => {
  test('after a code fix, the rerun runs the fix, from the same package root', async () => {
    const dir = project({'main.py': 'raise SystemExit("bug")\n'})
    const root = ['--package-root', 's3://mfbatch-local/team']
    const failed = await mfbatch(
      dir,
      'submit',
      '--local',
      '--quiet',
      '--package',
      ...root,
      '--wait',
      '--',
      'python3',
      'main.py',
    )
    expect(failed.code).toBe(1)
    writeFileSync(join(dir, 'main.py'), 'print("fixed")\n')
    expect(await mfbatch(dir, 'rerun', 'last', '--local', '--quiet', '--package', '--follow')).toEqual({
      code: 0,
      stderr: '',
      stdout: 'fixed\n',
    })
    const dry = JSON.parse((await mfbatch(dir, 'rerun', 'last', '--local', '--package', '--dry-run', '--json')).stdout)
    expect(dry.package.url).toMatch(/^s3:\/\/mfbatch-local\/team\/mfbatch\/packages\/[\da-f]{64}\.tar\.gz$/)
    expect(dry.submitJob.containerOverrides.command.slice(3)).toEqual(['mfbatch-bootstrap', 'python3', 'main.py'])
  }, 90_000)

  test('a job that ran without a package gets one', async () => {
    const dir = project({'data.txt': 'data\n'})
    const failed = await mfbatch(dir, 'submit', '--local', '--quiet', '--wait', '--', 'cat', 'data.txt')
    expect(failed.code).toBe(1)
    expect(await mfbatch(dir, 'rerun', 'last', '--local', '--quiet', '--package', '--follow')).toEqual({
      code: 0,
      stderr: '',
      stdout: 'data\n',
    })
  }, 90_000)
})

/** A tar.gz (argv[1]) with a harmless file and a member named argv[2]. */
const EVIL_TAR = `import io, sys, tarfile
with tarfile.open(sys.argv[1], "w:gz") as t:
    for name, data in (("ok.txt", b"ok\\n"), (sys.argv[2], b"escaped\\n")):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mtime = 946684800
        t.addfile(info, io.BytesIO(data))
`

/**
 * Reads every /proc/<pid>/cmdline in a loop, in a process of its own, and keeps those of the processes whose
 * environment holds `token` (the job's: other users' and other tests' processes are not ours to judge). The
 * strings it looks for are built at run time, so its own command line does not match them.
 */
async function procReader(token: string): Promise<{stop(): Promise<string[]>}> {
  const script = `
const fs = require('fs')
const token = process.argv[1]
const seen = new Set()
process.on('SIGTERM', () => { process.stdout.write(JSON.stringify([...seen])); process.exit(0) })
let first = true
function pass() {
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(pid) || Number(pid) === process.pid) continue
    let environ, cmdline
    try {
      environ = fs.readFileSync('/proc/' + pid + '/environ', 'latin1')
      cmdline = fs.readFileSync('/proc/' + pid + '/cmdline', 'latin1')
    } catch { continue }
    if (environ.includes('PROC_TOKEN=' + token) && cmdline) seen.add(cmdline.split('\\0').join(' '))
  }
  if (first) { first = false; process.stderr.write('ready\\n') }
  setImmediate(pass)
}
pass()
`
  const child: ChildProcess = spawn(process.execPath, ['-e', script, token], {stdio: ['ignore', 'pipe', 'pipe']})
  let out = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
  })
  await new Promise<void>((resolve, reject) => {
    child.stderr!.once('data', () => resolve())
    child.once('exit', (code) => reject(new Error(`the /proc reader exited (${code}) before its first pass`)))
  })
  return {
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve(JSON.parse(out) as string[]))
        child.kill('SIGTERM')
      }),
  }
}
