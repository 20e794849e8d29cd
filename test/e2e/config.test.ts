/**
 * `mfbatch config` as a user runs it: the built CLI (`npm run build` first) in a child process, with a temporary
 * project as its working directory and a temporary HOME, and none of the real METAFLOW_* / AWS_* variables.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {SETTING_NAMES} from '../../src/config/types'

const REPO = path.resolve(__dirname, '../..')
const RUN = path.join(REPO, 'bin/run.js')

let root: string

// Jest runs top-level hooks around every test of the file: each test gets a fresh temp root.

beforeAll(() => {
  if (!existsSync(path.join(REPO, 'dist/mfbatch.js'))) throw new Error('build first: npm run build')
})

beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'mfbatch-e2e-config-')))
})

afterEach(() => rmSync(root, {force: true, recursive: true}))

function write(files: Record<string, object | string>): void {
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(root, relative)
    mkdirSync(path.dirname(target), {recursive: true})
    writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content))
  }
}

/** The environment of a clean machine: no real Metaflow or AWS settings, no colour, and the temp HOME. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(METAFLOW_|AWS_|MFBATCH_|XDG_)|^(SUDO_USER|USERNAME|USER|NODE_OPTIONS|FORCE_COLOR|NO_COLOR)$/.test(key))
      continue
    env[key] = value
  }

  return {...env, HOME: path.join(root, 'home'), ...extra}
}

function mfbatch(args: string[], env: Record<string, string> = {}, cwd = 'project') {
  mkdirSync(path.join(root, cwd), {recursive: true})
  mkdirSync(path.join(root, 'home'), {recursive: true})
  const result = spawnSync(process.execPath, [RUN, 'config', ...args], {
    cwd: path.join(root, cwd),
    encoding: 'utf8',
    env: cleanEnv(env),
  })
  return {status: result.status, stderr: result.stderr, stdout: result.stdout}
}

type Entry = {label: string; source: string; value: unknown}

const DEFAULTS: Record<string, unknown> = {
  cpu: '1',
  defaultTags: {},
  gpu: '0',
  image: 'python:3.11',
  memory: '4096',
  platform: 'auto',
  timeout: 432_000,
  tmpfsPath: '/metaflow_temp',
  tmpfsTempdir: true,
}

/** Every setting at its default, with `set` replacing some: the whole document `--json` must print. */
function expected(set: Record<string, Entry>): {settings: Record<string, Entry>} {
  const settings: Record<string, Entry> = {}
  for (const name of SETTING_NAMES) {
    settings[name] = set[name] ?? {label: 'default', source: 'default', value: DEFAULTS[name] ?? null}
  }

  return {settings}
}

/** A project and a home where every layer sets something, and some layers shadow others. */
function layered(): {env: Record<string, string>; set: Record<string, Entry>} {
  write({
    'home/.metaflowconfig/config.json': {
      METAFLOW_BATCH_JOB_QUEUE: 'global-q',
      METAFLOW_DEFAULT_CONTAINER_REGISTRY: 'global.example.com',
      METAFLOW_ECS_S3_ACCESS_IAM_ROLE: 'arn:aws:iam::123456789012:role/global',
    },
    'project/.metaflow/config.json': {
      METAFLOW_BATCH_CONTAINER_IMAGE: 'local/image:2',
      METAFLOW_BATCH_DEFAULT_TAGS: '{"team":"ml"}',
    },
    'project/.mfbatchrc.yaml': 'queue: project-q\nmemory: 8192\nuseTmpfs: "false"\n',
  })
  const global = `${root}/home/.metaflowconfig/config.json`
  const local = `${root}/project/.metaflow/config.json`
  const project = `${root}/project/.mfbatchrc.yaml`
  return {
    env: {
      AWS_PROFILE: 'dev',
      METAFLOW_DEFAULT_CONTAINER_IMAGE: 'env/default:1',
      METAFLOW_DEFAULT_RUNTIME_LIMIT: '3600',
      USER: 'tester',
    },
    set: {
      defaultTags: {label: `${local} (METAFLOW_BATCH_DEFAULT_TAGS)`, source: 'metaflow-local', value: {team: 'ml'}},
      endpointUrl: {label: '--endpoint-url', source: 'flag', value: 'http://127.0.0.1:9999'},
      iamRole: {
        label: `${global} (METAFLOW_ECS_S3_ACCESS_IAM_ROLE)`,
        source: 'metaflow-global',
        value: 'arn:aws:iam::123456789012:role/global',
      },
      image: {label: `${local} (METAFLOW_BATCH_CONTAINER_IMAGE)`, source: 'metaflow-local', value: 'local/image:2'},
      // In its flag's form, as `--memory 8192` gives it (src/config/coerce.ts).
      memory: {label: `${project} (key memory)`, source: 'project', value: '8192'},
      profile: {label: 'AWS_PROFILE', source: 'env', value: 'dev'},
      queue: {label: `${project} (key queue)`, source: 'project', value: 'project-q'},
      region: {label: '--region', source: 'flag', value: 'eu-west-1'},
      registry: {
        label: `${global} (METAFLOW_DEFAULT_CONTAINER_REGISTRY)`,
        source: 'metaflow-global',
        value: 'global.example.com',
      },
      timeout: {label: 'METAFLOW_DEFAULT_RUNTIME_LIMIT', source: 'env', value: '3600'},
      user: {label: 'USER', source: 'env', value: 'tester'},
      useTmpfs: {label: `${project} (key useTmpfs)`, source: 'project', value: false},
    },
  }
}

const FLAGS = ['--region', 'eu-west-1', '--endpoint-url', 'http://127.0.0.1:9999']

describe('mfbatch config', () => {
  test('--json prints every setting with its value and source', () => {
    const {env, set} = layered()
    expect(mfbatch([...FLAGS, '--json'], env)).toEqual({
      status: 0,
      stderr: '',
      stdout: `${JSON.stringify(expected(set), null, 2)}\n`,
    })
  })

  test('in a pipe, one name<TAB>value<TAB>source line per setting', () => {
    const {env, set} = layered()
    const lines = Object.entries(expected(set).settings).map(([name, {label, value}]) => {
      const text = value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value)
      return `${name}\t${text}\t${label}`
    })
    expect(mfbatch(FLAGS, env)).toEqual({status: 0, stderr: '', stdout: `${lines.join('\n')}\n`})
  })

  test('METAFLOW_HOME and METAFLOW_PROFILE pick the global file; USER=root is no user', () => {
    write({
      'mf/config.json': {METAFLOW_BATCH_JOB_QUEUE: 'x'},
      'mf/config_dev.json': {METAFLOW_BATCH_JOB_QUEUE: 'dev-q'},
    })
    const env = {METAFLOW_HOME: path.join(root, 'mf'), METAFLOW_PROFILE: 'dev', USER: 'root'}
    expect(mfbatch(['--json'], env)).toEqual({
      status: 0,
      stderr: '',
      stdout: `${JSON.stringify(
        expected({
          queue: {
            label: `${root}/mf/config_dev.json (METAFLOW_BATCH_JOB_QUEUE)`,
            source: 'metaflow-global',
            value: 'dev-q',
          },
        }),
        null,
        2,
      )}\n`,
    })
  })
})

describe('mfbatch config with bad input: exit 2, one line on stderr, nothing on stdout', () => {
  test.each([[[]], [['--json']]])('bad JSON in the project file (%j)', (args) => {
    write({'project/.mfbatchrc.json': '{"queue": "a",}'})
    expect(mfbatch(args, {}, 'project/sub')).toEqual({
      status: 2,
      stderr: `mfbatch: ${root}/project/.mfbatchrc.json: bad JSON: Expected double-quoted property name in JSON (line 1, column 15)\n`,
      stdout: '',
    })
  })

  test('bad YAML in the project file', () => {
    write({'project/.mfbatchrc.yml': 'queue: a\n  memory: 1\n'})
    expect(mfbatch([])).toEqual({
      status: 2,
      stderr: `mfbatch: ${root}/project/.mfbatchrc.yml: bad YAML: bad indentation of a mapping entry (line 2, column 9)\n`,
      stdout: '',
    })
  })

  test('an unknown key under "mfbatch" in package.json', () => {
    write({'project/package.json': {mfbatch: {iamrole: 'r'}, name: 'p'}})
    expect(mfbatch(['--json'])).toEqual({
      status: 2,
      stderr: `mfbatch: ${root}/project/package.json: unknown key "iamrole"; did you mean "iamRole"?\n`,
      stdout: '',
    })
  })

  test('a METAFLOW_PROFILE without its file', () => {
    expect(mfbatch([], {METAFLOW_PROFILE: 'prod'})).toEqual({
      status: 2,
      stderr: `mfbatch: METAFLOW_PROFILE=prod: ${root}/home/.metaflowconfig/config_prod.json does not exist; create it or unset METAFLOW_PROFILE\n`,
      stdout: '',
    })
  })

  test('a flag the command does not have', () => {
    expect(mfbatch(['--queue', 'q'])).toEqual({
      status: 2,
      stderr: 'mfbatch: --queue: not a flag here; --help lists the flags\n',
      stdout: '',
    })
  })
})

/** A project file and environment with four wrong-typed values; what config must say of each. */
function wrongTyped() {
  write({'project/.mfbatchrc.json': {memory: 'lots', tags: {a: 1}}})
  const file = `${root}/project/.mfbatchrc.json`
  return {
    env: {METAFLOW_BATCH_DEFAULT_TAGS: '{team}', METAFLOW_DEFAULT_RUNTIME_LIMIT: 'soon'},
    errors: {
      defaultTags: "METAFLOW_BATCH_DEFAULT_TAGS: bad JSON: Expected property name or '}' in JSON at position 1",
      memory: `${file} (key memory): "lots" is not allowed; use a number or a size such as 4GiB or 512MiB`,
      tags: `${file} (key tags): {"a":1} is not allowed; use a text or a list of texts, e.g. ["a=1", "b=2"]`,
      timeout: 'METAFLOW_DEFAULT_RUNTIME_LIMIT: "soon" is not allowed; use seconds or a duration like 1h30m',
    },
    set: {
      defaultTags: {label: 'METAFLOW_BATCH_DEFAULT_TAGS', source: 'env', value: '{team}'},
      memory: {label: `${file} (key memory)`, source: 'project', value: 'lots'},
      tags: {label: `${file} (key tags)`, source: 'project', value: {a: 1}},
      timeout: {label: 'METAFLOW_DEFAULT_RUNTIME_LIMIT', source: 'env', value: 'soon'},
    } as Record<string, Entry>,
  }
}

/** The stderr lines, in the catalog's order. */
const stderrOf = (errors: Record<string, string>): string =>
  ['defaultTags', 'timeout', 'memory', 'tags'].map((name) => `mfbatch: ${errors[name]}\n`).join('')

describe('mfbatch config with wrong-typed values: every setting shown, each wrong one marked, exit 2', () => {
  test('--json: the error on each wrong setting, the others as always', () => {
    const {env, errors, set} = wrongTyped()
    const doc = expected(set) as {settings: Record<string, Entry & {error?: string}>}
    for (const [name, error] of Object.entries(errors)) doc.settings[name] = {...doc.settings[name], error}
    expect(mfbatch(['--json'], env)).toEqual({
      status: 2,
      stderr: stderrOf(errors),
      stdout: `${JSON.stringify(doc, null, 2)}\n`,
    })
  })

  test('in a pipe: a fourth field says what is allowed on the wrong rows', () => {
    const {env, errors, set} = wrongTyped()
    const allowed: Record<string, string> = {
      defaultTags: "invalid: Expected property name or '}' in JSON at position 1",
      memory: 'invalid: use a number or a size such as 4GiB or 512MiB',
      tags: 'invalid: use a text or a list of texts, e.g. ["a=1", "b=2"]',
      timeout: 'invalid: use seconds or a duration like 1h30m',
    }
    const lines = Object.entries(expected(set).settings).map(([name, {label, value}]) => {
      const text = value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value)
      return `${name}\t${text}\t${label}\t${allowed[name] ?? ''}`
    })
    expect(mfbatch([], env)).toEqual({status: 2, stderr: stderrOf(errors), stdout: `${lines.join('\n')}\n`})
  })
})
