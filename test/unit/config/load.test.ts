import path from 'node:path'

import {loadSettingsSources, resolveFromEnvironment} from '../../../src/config/load'
import {InputError} from '../../../src/errors'
import {caught, removeTrees, tree} from './tree'

// Jest runs a top-level hook around every test of this file: each test's temp folders are removed after it.

afterEach(removeTrees)

const Q = 'METAFLOW_BATCH_JOB_QUEUE'

/**
 * A home with Metaflow's global files and a project two levels above the working directory, with its local
 * Metaflow config and an .mfbatchrc.json: every file layer set for `queue`, so removing files walks down the ladder.
 */
function layeredTree(omit: string[] = []): {cwd: string; home: string; root: string} {
  const files: Record<string, null | object | string> = {
    'home/.metaflowconfig/config.json': {[Q]: 'global-q'},
    'home/.metaflowconfig/config_dev.json': {[Q]: 'dev-q'},
    'work/project/.metaflow/config.json': {[Q]: 'local-q'},
    'work/project/.mfbatchrc.json': {queue: 'project-q'},
    'work/project/src/deep/': null,
  }
  for (const key of omit) delete files[key]
  const root = tree(files)
  return {cwd: path.join(root, 'work/project/src/deep'), home: path.join(root, 'home'), root}
}

async function queueOf(cwd: string, home: string, env: Record<string, string> = {}, flags = {}) {
  return (await resolveFromEnvironment({cwd, env, flags, home})).queue
}

describe('resolveFromEnvironment with real folders: each layer beats the one below', () => {
  test('flag > env', async () => {
    const {cwd, home} = layeredTree()
    expect(await queueOf(cwd, home, {[Q]: 'env-q'}, {queue: 'flag-q'})).toEqual({
      origin: {kind: 'flag', label: '--queue'},
      value: 'flag-q',
    })
  })

  test('env > project file', async () => {
    const {cwd, home} = layeredTree()
    expect(await queueOf(cwd, home, {[Q]: 'env-q'})).toEqual({origin: {kind: 'env', label: Q}, value: 'env-q'})
  })

  test('project file (found upward from cwd) > Metaflow local', async () => {
    const {cwd, home, root} = layeredTree()
    expect(await queueOf(cwd, home)).toEqual({
      origin: {kind: 'project', label: `${root}/work/project/.mfbatchrc.json (key queue)`},
      value: 'project-q',
    })
  })

  test('Metaflow local > Metaflow global', async () => {
    const {cwd, home, root} = layeredTree(['work/project/.mfbatchrc.json'])
    expect(await queueOf(cwd, home)).toEqual({
      origin: {kind: 'metaflow-local', label: `${root}/work/project/.metaflow/config.json (${Q})`},
      value: 'local-q',
    })
  })

  test('Metaflow global > default', async () => {
    const {cwd, home, root} = layeredTree(['work/project/.mfbatchrc.json', 'work/project/.metaflow/config.json'])
    expect(await queueOf(cwd, home)).toEqual({
      origin: {kind: 'metaflow-global', label: `${root}/home/.metaflowconfig/config.json (${Q})`},
      value: 'global-q',
    })
  })

  test('default when no file sets it', async () => {
    const {cwd, home} = layeredTree([
      'work/project/.mfbatchrc.json',
      'work/project/.metaflow/config.json',
      'home/.metaflowconfig/config.json',
    ])
    expect(await queueOf(cwd, home)).toEqual({origin: {kind: 'default', label: 'default'}, value: undefined})
  })
})

describe('Metaflow global config', () => {
  test('METAFLOW_PROFILE picks config_<profile>.json instead of config.json', async () => {
    const {cwd, home, root} = layeredTree(['work/project/.mfbatchrc.json', 'work/project/.metaflow/config.json'])
    expect(await queueOf(cwd, home, {METAFLOW_PROFILE: 'dev'})).toEqual({
      origin: {kind: 'metaflow-global', label: `${root}/home/.metaflowconfig/config_dev.json (${Q})`},
      value: 'dev-q',
    })
  })

  test('a missing profile file is an InputError naming the path and the variable', async () => {
    const {cwd, home} = layeredTree()
    const error = await caught(() => queueOf(cwd, home, {METAFLOW_PROFILE: 'prod'}))
    expect([error.constructor, error.message]).toEqual([
      InputError,
      `METAFLOW_PROFILE=prod: ${home}/.metaflowconfig/config_prod.json does not exist; create it or unset METAFLOW_PROFILE`,
    ])
  })

  test.each(['../prod', 'a/b', '..'])('METAFLOW_PROFILE %j is a path, not a name: an InputError', async (profile) => {
    const {cwd, home} = layeredTree()
    const error = await caught(() => queueOf(cwd, home, {METAFLOW_PROFILE: profile}))
    expect([error.constructor, error.message]).toEqual([
      InputError,
      `METAFLOW_PROFILE: ${JSON.stringify(profile)} is not allowed; use a profile name; it names the file config_NAME.json in METAFLOW_HOME`,
    ])
  })

  test('METAFLOW_HOME moves the folder; `~` in it is the home directory', async () => {
    const root = tree({'home/mf/config.json': {[Q]: 'moved-q'}, 'project/': null})
    const home = path.join(root, 'home')
    const expected = {origin: {kind: 'metaflow-global', label: `${home}/mf/config.json (${Q})`}, value: 'moved-q'}
    const cwd = path.join(root, 'project')
    expect(await queueOf(cwd, home, {METAFLOW_HOME: '~/mf'})).toEqual(expected)
    expect(await queueOf(cwd, '/nonexistent', {METAFLOW_HOME: `${home}/mf`})).toEqual(expected)
  })

  test('a missing config.json without a profile means no settings', async () => {
    const root = tree({'home/': null, 'project/': null})
    const sources = await loadSettingsSources({cwd: path.join(root, 'project'), env: {}, home: path.join(root, 'home')})
    expect(sources).toEqual({metaflowGlobal: null, metaflowLocal: null, projectConfig: null})
  })
})

describe('Metaflow local config', () => {
  test('the nearest .metaflow folder decides, even when it has no config.json', async () => {
    const root = tree({
      '.metaflow/config.json': {[Q]: 'outer-q'},
      'home/': null,
      'inner/.metaflow/': null,
      'inner/cwd/': null,
    })
    const sources = await loadSettingsSources({
      cwd: path.join(root, 'inner/cwd'),
      env: {},
      home: path.join(root, 'home'),
    })
    expect(sources.metaflowLocal).toBeNull()
  })

  test('is read from an ancestor folder', async () => {
    const root = tree({'.metaflow/config.json': {[Q]: 'outer-q'}, 'a/b/': null, 'home/': null})
    const sources = await loadSettingsSources({cwd: path.join(root, 'a/b'), env: {}, home: path.join(root, 'home')})
    expect(sources.metaflowLocal).toEqual({config: {[Q]: 'outer-q'}, filepath: `${root}/.metaflow/config.json`})
  })
})

describe('chained image keys across real files', () => {
  test('METAFLOW_BATCH_CONTAINER_IMAGE in the global file beats METAFLOW_DEFAULT_CONTAINER_IMAGE in the env', async () => {
    const root = tree({
      'home/.metaflowconfig/config.json': {METAFLOW_BATCH_CONTAINER_IMAGE: 'global/batch:1'},
      'project/.metaflow/config.json': {METAFLOW_DEFAULT_CONTAINER_IMAGE: 'local/default:1'},
    })
    const env = {METAFLOW_DEFAULT_CONTAINER_IMAGE: 'env/default:1'}
    const resolved = await resolveFromEnvironment({cwd: path.join(root, 'project'), env, home: path.join(root, 'home')})
    expect(resolved.image).toEqual({
      origin: {
        kind: 'metaflow-global',
        label: `${root}/home/.metaflowconfig/config.json (METAFLOW_BATCH_CONTAINER_IMAGE)`,
      },
      value: 'global/batch:1',
    })
  })

  test('the generic key still follows the layer order when no specific key is set', async () => {
    const root = tree({
      'home/.metaflowconfig/config.json': {METAFLOW_DEFAULT_CONTAINER_REGISTRY: 'global.io'},
      'project/.metaflow/config.json': {METAFLOW_DEFAULT_CONTAINER_REGISTRY: 'local.io'},
    })
    const resolved = await resolveFromEnvironment({
      cwd: path.join(root, 'project'),
      env: {},
      home: path.join(root, 'home'),
    })
    expect(resolved.registry).toEqual({
      origin: {
        kind: 'metaflow-local',
        label: `${root}/project/.metaflow/config.json (METAFLOW_DEFAULT_CONTAINER_REGISTRY)`,
      },
      value: 'local.io',
    })
  })
})

describe('project config file formats and search', () => {
  test.each([
    ['.mfbatchrc.json', '{"queue": "q", "memory": 8192}'],
    ['.mfbatchrc.yaml', 'queue: q\nmemory: 8192\n'],
    ['.mfbatchrc.yml', 'queue: q\nmemory: 8192\n'],
    ['.mfbatchrc', 'queue: q\nmemory: 8192\n'],
    ['.mfbatchrc', '{"queue": "q", "memory": 8192}'],
    ['package.json', '{"name": "x", "mfbatch": {"queue": "q", "memory": 8192}}'],
    ['mfbatch.config.cjs', 'module.exports = {queue: "q", memory: 8192}'],
    ['mfbatch.config.js', 'module.exports = {queue: "q", memory: 8192}'],
    ['mfbatch.config.mjs', 'export default {queue: "q", memory: 8192}'],
  ])('%s holding %j', async (file, content) => {
    const root = tree({[`project/${file}`]: content, 'home/': null})
    const sources = await loadSettingsSources({cwd: path.join(root, 'project'), env: {}, home: path.join(root, 'home')})
    expect(sources.projectConfig).toEqual({config: {memory: 8192, queue: 'q'}, filepath: `${root}/project/${file}`})
  })

  test('the nearest directory wins; a package.json without the key does not stop the search', async () => {
    const root = tree({
      '.mfbatchrc.yaml': 'queue: outer\n',
      'home/': null,
      'project/.mfbatchrc.json': {queue: 'inner'},
      'project/sub/package.json': {name: 'sub'},
    })
    const cwd = path.join(root, 'project/sub')
    expect(await queueOf(cwd, path.join(root, 'home'))).toEqual({
      origin: {kind: 'project', label: `${root}/project/.mfbatchrc.json (key queue)`},
      value: 'inner',
    })
  })

  test('within one directory, package.json comes first', async () => {
    const root = tree({
      'home/': null,
      'project/.mfbatchrc.json': {queue: 'rc'},
      'project/package.json': {mfbatch: {queue: 'pkg'}, name: 'p'},
    })
    const sources = await loadSettingsSources({cwd: path.join(root, 'project'), env: {}, home: path.join(root, 'home')})
    expect(sources.projectConfig).toEqual({config: {queue: 'pkg'}, filepath: `${root}/project/package.json`})
  })

  test('a .ts config is not a search place', async () => {
    const root = tree({'home/': null, 'project/mfbatch.config.ts': 'export default {queue: "ts"}'})
    const sources = await loadSettingsSources({cwd: path.join(root, 'project'), env: {}, home: path.join(root, 'home')})
    expect(sources.projectConfig).toBeNull()
  })
})

describe('bad config files are one-line InputErrors naming the file', () => {
  test.each([
    [
      'project/.mfbatchrc.json',
      '{"queue": "a",}',
      'bad JSON: Expected double-quoted property name in JSON (line 1, column 15)',
    ],
    [
      'project/.mfbatchrc.json',
      '{\n  "queue": "a"\n  "memory": 1\n}',
      `bad JSON: Expected ',' or '}' after property value in JSON (line 3, column 3)`,
    ],
    ['project/package.json', '{"mfbatch": ', 'bad JSON: Unexpected end of JSON input'],
    [
      'project/.mfbatchrc.yaml',
      'queue: a\n  memory: 1\n',
      'bad YAML: bad indentation of a mapping entry (line 2, column 9)',
    ],
    [
      'project/.mfbatchrc',
      'queue: [a\n',
      'bad YAML: unexpected end of the stream within a flow collection (line 2, column 1)',
    ],
    ['project/.mfbatchrc.yml', 'quue: a\n', 'unknown key "quue"; did you mean "queue"?'],
    ['project/mfbatch.config.cjs', String.raw`throw new Error("boom\nmore")`, 'boom'],
    [
      'project/.metaflow/config.json',
      '{"METAFLOW_BATCH_JOB_QUEUE":\n}',
      `bad JSON: Unexpected token '}', ..."B_QUEUE": }" is not valid JSON`,
    ],
    ['home/.metaflowconfig/config.json', '', 'bad JSON: Unexpected end of JSON input'],
    ['home/.metaflowconfig/config.json', '["METAFLOW_BATCH_JOB_QUEUE"]', 'must hold a JSON object of METAFLOW_* keys'],
  ])('%s holding %j', async (file, content, problem) => {
    const root = tree({[file]: content, 'home/': null, 'project/': null})
    const error = await caught(() => queueOf(path.join(root, 'project'), path.join(root, 'home')))
    expect([error.constructor, error.message]).toEqual([InputError, `${root}/${file}: ${problem}`])
  })

  test('with several bad files, the project file is reported first', async () => {
    const root = tree({'home/.metaflowconfig/config.json': '{', 'project/.mfbatchrc.json': '{'})
    const error = await caught(() => queueOf(path.join(root, 'project'), path.join(root, 'home')))
    expect(error.message).toBe(
      `${root}/project/.mfbatchrc.json: bad JSON: Expected property name or '}' in JSON (line 1, column 2)`,
    )
  })
})
