import {resolveSettings, type SettingsInput} from '../../../src/config/resolve'
import {SETTING_NAMES, type Sourced} from '../../../src/config/types'
import {InputError} from '../../../src/errors'
import {caught} from './tree'

const PROJECT = '/repo/.mfbatchrc.json'
const LOCAL = '/repo/.metaflow/config.json'
const GLOBAL = '/home/u/.metaflowconfig/config.json'

/** Input with the three files given as plain objects (`undefined` = the file does not exist). */
function input(parts: {
  env?: Record<string, string>
  flags?: SettingsInput['flags']
  global?: Record<string, unknown>
  local?: Record<string, unknown>
  project?: Record<string, unknown>
}): SettingsInput {
  return {
    env: parts.env ?? {},
    flags: parts.flags ?? {},
    metaflowGlobal: parts.global ? {config: parts.global, filepath: GLOBAL} : null,
    metaflowLocal: parts.local ? {config: parts.local, filepath: LOCAL} : null,
    projectConfig: parts.project ? {config: parts.project, filepath: PROJECT} : null,
  }
}

const flag = (label: string, value: unknown): Sourced => ({origin: {kind: 'flag', label}, value})
const env = (label: string, value: unknown): Sourced => ({origin: {kind: 'env', label}, value})
const project = (key: string, value: unknown): Sourced => ({
  origin: {kind: 'project', label: `${PROJECT} (key ${key})`},
  value,
})
const local = (key: string, value: unknown): Sourced => ({
  origin: {kind: 'metaflow-local', label: `${LOCAL} (${key})`},
  value,
})
const global = (key: string, value: unknown): Sourced => ({
  origin: {kind: 'metaflow-global', label: `${GLOBAL} (${key})`},
  value,
})
const byDefault = (value?: unknown): Sourced => ({origin: {kind: 'default', label: 'default'}, value})

describe('resolveSettings defaults', () => {
  test('with no source at all, every setting has its built-in default or nothing', () => {
    const resolved = resolveSettings(input({}))
    const expected: Record<string, unknown> = {
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
    expect(resolved).toEqual(Object.fromEntries(SETTING_NAMES.map((name) => [name, byDefault(expected[name])])))
    expect(Object.keys(resolved)).toEqual([...SETTING_NAMES])
  })
})

describe('resolveSettings precedence: each layer beats the one below', () => {
  const Q = 'METAFLOW_BATCH_JOB_QUEUE'
  const all = {
    env: {[Q]: 'env-q'},
    flags: {queue: 'flag-q'},
    global: {[Q]: 'global-q'},
    local: {[Q]: 'local-q'},
    project: {queue: 'project-q'},
  }
  test.each([
    ['flag over env', all, flag('--queue', 'flag-q')],
    ['env over project', {...all, flags: {}}, env(Q, 'env-q')],
    ['project over Metaflow local', {...all, env: {}, flags: {}}, project('queue', 'project-q')],
    ['Metaflow local over Metaflow global', {global: all.global, local: all.local}, local(Q, 'local-q')],
    ['Metaflow global over the default', {global: all.global}, global(Q, 'global-q')],
  ])('%s', (_, parts, expected) => {
    expect(resolveSettings(input(parts)).queue).toEqual(expected)
  })

  test('a flag of undefined, null or an empty array is "not given"', () => {
    const resolved = resolveSettings(
      input({
        flags: {queue: undefined, tags: [], user: null},
        project: {queue: 'project-q', tags: ['team=ml'], user: 'ann'},
      }),
    )
    expect([resolved.queue, resolved.tags, resolved.user]).toEqual([
      project('queue', 'project-q'),
      project('tags', ['team=ml']),
      project('user', 'ann'),
    ])
  })

  test('an empty environment variable or Metaflow value is unset; an empty project value is kept', () => {
    const resolved = resolveSettings(
      input({
        env: {METAFLOW_BATCH_JOB_QUEUE: '', METAFLOW_ECS_S3_ACCESS_IAM_ROLE: ''},
        global: {METAFLOW_ECS_S3_ACCESS_IAM_ROLE: 'arn:aws:iam::1:role/g'},
        local: {METAFLOW_BATCH_JOB_QUEUE: ''},
        project: {logDriver: ''},
      }),
    )
    expect([resolved.queue, resolved.iamRole, resolved.logDriver]).toEqual([
      byDefault(),
      global('METAFLOW_ECS_S3_ACCESS_IAM_ROLE', 'arn:aws:iam::1:role/g'),
      project('logDriver', ''),
    ])
  })

  test('settings without a Metaflow key ignore Metaflow files and the environment', () => {
    const resolved = resolveSettings(input({env: {MEMORY: '1', METAFLOW_MEMORY: '2'}, global: {METAFLOW_MEMORY: '3'}}))
    expect(resolved.memory).toEqual(byDefault('4096'))
  })

  test("a Metaflow file's JSON number comes out as its flag gives it (text)", () => {
    const resolved = resolveSettings(input({global: {METAFLOW_DEFAULT_RUNTIME_LIMIT: 3600}}))
    expect(resolved.timeout).toEqual(global('METAFLOW_DEFAULT_RUNTIME_LIMIT', '3600'))
  })

  test('a flag that sets a setting under another name gets its own label', () => {
    const resolved = resolveSettings({
      ...input({env: {AWS_ENDPOINT_URL: 'http://env'}, flags: {endpointUrl: 'http://127.0.0.1:8123'}}),
      flagLabels: {endpointUrl: '--local'},
    })
    expect(resolved.endpointUrl).toEqual(flag('--local', 'http://127.0.0.1:8123'))
  })

  test('flags carry their own flag name in the label', () => {
    const resolved = resolveSettings(
      input({flags: {efsVolumes: ['fs-1'], endpointUrl: 'http://127.0.0.1:1', iamRole: 'r', tags: ['a=b']}}),
    )
    expect([resolved.iamRole, resolved.endpointUrl, resolved.tags, resolved.efsVolumes]).toEqual([
      flag('--iam-role', 'r'),
      flag('--endpoint-url', 'http://127.0.0.1:1'),
      flag('--tag', ['a=b']),
      flag('--efs-volume', ['fs-1']),
    ])
  })
})

describe('resolveSettings chained keys: the specific key anywhere beats the generic key anywhere', () => {
  const B = 'METAFLOW_BATCH_CONTAINER_IMAGE'
  const D = 'METAFLOW_DEFAULT_CONTAINER_IMAGE'
  test.each([
    ['global specific over env generic', {env: {[D]: 'd-env'}, global: {[B]: 'b-global'}}, global(B, 'b-global')],
    ['local specific over env generic', {env: {[D]: 'd-env'}, local: {[B]: 'b-local'}}, local(B, 'b-local')],
    ['env specific over global generic', {env: {[B]: 'b-env'}, global: {[D]: 'd-global'}}, env(B, 'b-env')],
    ['generic: env over local', {env: {[D]: 'd-env'}, local: {[D]: 'd-local'}}, env(D, 'd-env')],
    ['generic: local over global', {global: {[D]: 'd-global'}, local: {[D]: 'd-local'}}, local(D, 'd-local')],
    ['specific: local over global', {global: {[B]: 'b-global'}, local: {[B]: 'b-local'}}, local(B, 'b-local')],
    ['project over env generic', {env: {[D]: 'd-env'}, project: {image: 'p'}}, project('image', 'p')],
    ['project over local specific', {local: {[B]: 'b-local'}, project: {image: 'p'}}, project('image', 'p')],
    ['env specific over project', {env: {[B]: 'b-env'}, project: {image: 'p'}}, env(B, 'b-env')],
    ['flag over both', {env: {[B]: 'b', [D]: 'd'}, flags: {image: 'f'}, project: {image: 'p'}}, flag('--image', 'f')],
    ['nothing set: the default', {}, byDefault('python:3.11')],
  ])('image: %s', (_, parts, expected) => {
    expect(resolveSettings(input(parts)).image).toEqual(expected)
  })

  const RB = 'METAFLOW_BATCH_CONTAINER_REGISTRY'
  const RD = 'METAFLOW_DEFAULT_CONTAINER_REGISTRY'
  test.each([
    ['global specific over env generic', {env: {[RD]: 'd.io'}, global: {[RB]: 'b.io'}}, global(RB, 'b.io')],
    ['env specific over local generic', {env: {[RB]: 'b.io'}, local: {[RD]: 'd.io'}}, env(RB, 'b.io')],
    ['generic alone: global', {global: {[RD]: 'd.io'}}, global(RD, 'd.io')],
    ['project over env generic', {env: {[RD]: 'd.io'}, project: {registry: 'p.io'}}, project('registry', 'p.io')],
    ['nothing set: none', {}, byDefault()],
  ])('registry: %s', (_, parts, expected) => {
    expect(resolveSettings(input(parts)).registry).toEqual(expected)
  })
})

describe('resolveSettings user: METAFLOW_USER, then SUDO_USER, USERNAME, USER, never root', () => {
  test.each([
    ['USER=root is skipped', {env: {USER: 'root'}}, byDefault()],
    ['SUDO_USER beats USER', {env: {SUDO_USER: 'sam', USER: 'root'}}, env('SUDO_USER', 'sam')],
    ['USERNAME beats USER', {env: {USER: 'uma', USERNAME: 'nia'}}, env('USERNAME', 'nia')],
    ['USER last', {env: {USER: 'uma'}}, env('USER', 'uma')],
    ['METAFLOW_USER=root is skipped too', {env: {METAFLOW_USER: 'root', USER: 'uma'}}, env('USER', 'uma')],
    [
      'METAFLOW_USER in the global file beats USER',
      {env: {USER: 'uma'}, global: {METAFLOW_USER: 'mf'}},
      global('METAFLOW_USER', 'mf'),
    ],
    [
      'a root METAFLOW_USER in a file is skipped',
      {env: {USER: 'uma'}, local: {METAFLOW_USER: 'root'}},
      env('USER', 'uma'),
    ],
    [
      'env METAFLOW_USER beats the project',
      {env: {METAFLOW_USER: 'mf'}, project: {user: 'p'}},
      env('METAFLOW_USER', 'mf'),
    ],
    ['the project beats USER', {env: {SUDO_USER: 'sam', USER: 'uma'}, project: {user: 'p'}}, project('user', 'p')],
    ['an explicit --user root is kept', {env: {USER: 'uma'}, flags: {user: 'root'}}, flag('--user', 'root')],
  ])('%s', (_, parts, expected) => {
    expect(resolveSettings(input(parts)).user).toEqual(expected)
  })
})

describe('resolveSettings AWS connection settings', () => {
  test.each([
    [
      'AWS_REGION beats AWS_DEFAULT_REGION',
      {env: {AWS_DEFAULT_REGION: 'b', AWS_REGION: 'a'}},
      'region',
      env('AWS_REGION', 'a'),
    ],
    [
      'AWS_DEFAULT_REGION beats the project',
      {env: {AWS_DEFAULT_REGION: 'b'}, project: {region: 'p'}},
      'region',
      env('AWS_DEFAULT_REGION', 'b'),
    ],
    ['--region beats both', {env: {AWS_REGION: 'a'}, flags: {region: 'f'}}, 'region', flag('--region', 'f')],
    ['AWS_PROFILE', {env: {AWS_PROFILE: 'dev'}, project: {profile: 'p'}}, 'profile', env('AWS_PROFILE', 'dev')],
    ['the project profile', {project: {profile: 'p'}}, 'profile', project('profile', 'p')],
    [
      'AWS_ENDPOINT_URL_BATCH beats AWS_ENDPOINT_URL',
      {env: {AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_BATCH: 'http://b'}},
      'endpointUrl',
      env('AWS_ENDPOINT_URL_BATCH', 'http://b'),
    ],
    [
      'AWS_ENDPOINT_URL beats the project',
      {env: {AWS_ENDPOINT_URL: 'http://a'}, project: {endpointUrl: 'http://p'}},
      'endpointUrl',
      env('AWS_ENDPOINT_URL', 'http://a'),
    ],
    [
      'Metaflow files hold no AWS settings',
      {global: {AWS_REGION: 'g', METAFLOW_AWS_REGION: 'g'}},
      'region',
      byDefault(),
    ],
  ] as const)('%s', (_, parts, name, expected) => {
    expect(resolveSettings(input(parts))[name]).toEqual(expected)
  })
})

describe('resolveSettings coercion', () => {
  test.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['no', true],
    ['false', false],
    ['False', false],
    ['0', false],
    ['', false],
    [true, true],
    [false, false],
    [0, false],
  ])('project privileged %j is %j (the project origin stays)', (raw, value) => {
    expect(resolveSettings(input({project: {privileged: raw}})).privileged).toEqual(project('privileged', value))
  })

  test('a boolean flag is kept as given', () => {
    expect(resolveSettings(input({flags: {tmpfsTempdir: false}})).tmpfsTempdir).toEqual(flag('--tmpfs-tempdir', false))
  })

  test.each([
    [
      'env JSON text',
      {env: {METAFLOW_BATCH_DEFAULT_TAGS: '{"team":"ml"}'}},
      env('METAFLOW_BATCH_DEFAULT_TAGS', {team: 'ml'}),
    ],
    [
      'global JSON text',
      {global: {METAFLOW_BATCH_DEFAULT_TAGS: '{"a":"1"}'}},
      global('METAFLOW_BATCH_DEFAULT_TAGS', {a: '1'}),
    ],
    [
      'global JSON object',
      {global: {METAFLOW_BATCH_DEFAULT_TAGS: {a: '1'}}},
      global('METAFLOW_BATCH_DEFAULT_TAGS', {a: '1'}),
    ],
    ['project object', {project: {defaultTags: {b: '2'}}}, project('defaultTags', {b: '2'})],
    ['project JSON text', {project: {defaultTags: '{"b":"2"}'}}, project('defaultTags', {b: '2'})],
  ])('defaultTags from %s', (_, parts, expected) => {
    expect(resolveSettings(input(parts)).defaultTags).toEqual(expected)
  })

  test.each([
    [
      'bad JSON in the environment',
      {env: {METAFLOW_BATCH_DEFAULT_TAGS: '{team}'}},
      `METAFLOW_BATCH_DEFAULT_TAGS: bad JSON: Expected property name or '}' in JSON at position 1`,
    ],
    [
      'a JSON array in a Metaflow file',
      {local: {METAFLOW_BATCH_DEFAULT_TAGS: '[1]'}},
      `${LOCAL} (METAFLOW_BATCH_DEFAULT_TAGS): "[1]" is not allowed; use a JSON object such as {"team": "ml"}`,
    ],
    [
      'a list in the project file',
      {project: {defaultTags: ['a']}},
      `${PROJECT} (key defaultTags): ["a"] is not allowed; use a JSON object such as {"team": "ml"}`,
    ],
    [
      'an object for a boolean',
      {project: {useTmpfs: {}}},
      `${PROJECT} (key useTmpfs): {} is not allowed; use true or false`,
    ],
  ])('%s is an InputError naming the source', async (_, parts, message) => {
    const error = await caught(() => resolveSettings(input(parts)))
    expect([error.constructor, error.message]).toEqual([InputError, message])
  })
})

describe('resolveSettings file shapes', () => {
  test.each([
    [{quue: 'q'}, `${PROJECT}: unknown key "quue"; did you mean "queue"?`],
    // eslint-disable-next-line camelcase -- a wrongly spelled key is the point
    [{iam_role: 'r'}, `${PROJECT}: unknown key "iam_role"; did you mean "iamRole"?`],
    [{'tmpfs-tempdir': false}, `${PROJECT}: unknown key "tmpfs-tempdir"; did you mean "tmpfsTempdir"?`],
    [{zzzzzzzz: 1}, `${PROJECT}: unknown key "zzzzzzzz"; the keys are the setting names \`mfbatch config\` prints`],
  ])('project %j is an InputError', async (config, message) => {
    const error = await caught(() => resolveSettings(input({project: config})))
    expect([error.constructor, error.message]).toEqual([InputError, message])
  })

  test.each([
    [
      'project',
      {projectConfig: {config: 'queue', filepath: PROJECT}},
      `${PROJECT}: must hold an object of settings such as {"queue": "my-queue"}`,
    ],
    [
      'Metaflow local',
      {metaflowLocal: {config: [1], filepath: LOCAL}},
      `${LOCAL}: must hold a JSON object of METAFLOW_* keys`,
    ],
    [
      'Metaflow global',
      {metaflowGlobal: {config: null, filepath: GLOBAL}},
      `${GLOBAL}: must hold a JSON object of METAFLOW_* keys`,
    ],
  ])('a %s file that is not an object is an InputError', async (_, files, message) => {
    const error = await caught(() => resolveSettings({env: {}, flags: {}, ...files}))
    expect([error.constructor, error.message]).toEqual([InputError, message])
  })

  test('unknown keys in Metaflow files are Metaflow business, not an error', () => {
    expect(resolveSettings(input({global: {METAFLOW_DATASTORE_SYSROOT_S3: 's3://b'}})).queue).toEqual(byDefault())
  })
})
