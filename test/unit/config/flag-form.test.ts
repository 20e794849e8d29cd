/**
 * One coercion for flags, environment and files (src/config/coerce.ts), row by row over the settings catalogue:
 * for every setting, a value as a user types it gives the same resolved value whether it comes from `submit`'s
 * flag (parsed by oclif's own parser, mapped as the command maps it), from the environment variable the setting
 * reads, or from a `.mfbatchrc.yaml` line (read by the same YAML loader the project file search uses).
 */
import {Parser} from '@oclif/core'
import {defaultLoaders} from 'cosmiconfig'

import type {SettingName} from '../../../src/config/types'

import {CATALOG, settingsFromFlags} from '../../../src/config/catalog'
import {resolveSettings} from '../../../src/config/resolve'
import {packageFlagValue, submitFlags} from '../../../src/flags/submit'

interface Row {
  /** The flag's words on the command line; absent for a setting no flag sets. */
  argv?: string[]
  /** The value as an environment variable holds it; absent when the setting reads none. */
  env?: string
  /** The same value resolved (the flag's form). */
  expected: unknown
  name: SettingName
  /** The line's value in .mfbatchrc.yaml, as a user writes it. */
  yaml: string
}

const ROWS: Row[] = [
  {argv: ['--array-size', '4'], expected: '4', name: 'arraySize', yaml: '4'},
  {argv: ['--cpu', '0.5'], expected: '0.5', name: 'cpu', yaml: '0.5'},
  {env: '{"team": "ml"}', expected: {team: 'ml'}, name: 'defaultTags', yaml: '{"team": "ml"}'},
  {argv: ['--efa', '1'], expected: '1', name: 'efa', yaml: '1'},
  {argv: ['--efs-volume', 'fs-1:/mnt/data'], expected: ['fs-1:/mnt/data'], name: 'efsVolumes', yaml: 'fs-1:/mnt/data'},
  {
    argv: ['--endpoint-url', 'http://127.0.0.1:9'],
    env: 'http://127.0.0.1:9',
    expected: 'http://127.0.0.1:9',
    name: 'endpointUrl',
    yaml: 'http://127.0.0.1:9',
  },
  {argv: ['--env', 'A=1'], expected: ['A=1'], name: 'env', yaml: 'A=1'},
  {argv: ['--env', 'A=1', '--env', 'B=2'], expected: ['A=1', 'B=2'], name: 'env', yaml: '[A=1, B=2]'},
  {argv: ['--ephemeral-storage', '50GiB'], expected: '50GiB', name: 'ephemeralStorage', yaml: '50GiB'},
  {argv: ['--ephemeral-storage', '50'], expected: '50', name: 'ephemeralStorage', yaml: '50'},
  {
    argv: ['--execution-role', 'arn:aws:iam::1:role/x'],
    env: 'arn:aws:iam::1:role/x',
    expected: 'arn:aws:iam::1:role/x',
    name: 'executionRole',
    yaml: 'arn:aws:iam::1:role/x',
  },
  {argv: ['--gpu', '1'], expected: '1', name: 'gpu', yaml: '1'},
  {argv: ['--host-volume', '/data:/data'], expected: ['/data:/data'], name: 'hostVolumes', yaml: '/data:/data'},
  {
    argv: ['--iam-role', 'arn:aws:iam::1:role/y'],
    env: 'arn:aws:iam::1:role/y',
    expected: 'arn:aws:iam::1:role/y',
    name: 'iamRole',
    yaml: 'arn:aws:iam::1:role/y',
  },
  {argv: ['--image', 'python:3.12'], env: 'python:3.12', expected: 'python:3.12', name: 'image', yaml: 'python:3.12'},
  {argv: ['--inferentia', '2'], expected: '2', name: 'inferentia', yaml: '2'},
  {argv: ['--log-driver', 'awslogs'], expected: 'awslogs', name: 'logDriver', yaml: 'awslogs'},
  {argv: ['--log-option', 'k:v'], expected: ['k:v'], name: 'logOptions', yaml: 'k:v'},
  {argv: ['--max-swap', '2GiB'], expected: '2GiB', name: 'maxSwap', yaml: '2GiB'},
  {argv: ['--memory', '2GiB'], expected: '2GiB', name: 'memory', yaml: '2GiB'},
  {argv: ['--memory', '2048'], expected: '2048', name: 'memory', yaml: '2048'},
  {argv: ['--package'], env: 'true', expected: true, name: 'package', yaml: 'true'},
  {argv: ['--no-package'], env: 'false', expected: false, name: 'package', yaml: 'false'},
  {argv: ['--package-dir', './src'], env: './src', expected: './src', name: 'package', yaml: './src'},
  {argv: ['--package-dir', '4096'], env: '4096', expected: '4096', name: 'package', yaml: '4096'},
  {
    argv: ['--package-root', 's3://bucket/p'],
    env: 's3://bucket/p',
    expected: 's3://bucket/p',
    name: 'packageRoot',
    yaml: 's3://bucket/p',
  },
  {argv: ['--platform', 'fargate'], expected: 'fargate', name: 'platform', yaml: 'fargate'},
  {argv: ['--privileged'], expected: true, name: 'privileged', yaml: 'true'},
  {argv: ['--profile', 'dev'], env: 'dev', expected: 'dev', name: 'profile', yaml: 'dev'},
  {argv: ['--queue', 'q'], env: 'q', expected: 'q', name: 'queue', yaml: 'q'},
  {argv: ['--region', 'eu-west-1'], env: 'eu-west-1', expected: 'eu-west-1', name: 'region', yaml: 'eu-west-1'},
  {
    argv: ['--registry', 'r.example.com'],
    env: 'r.example.com',
    expected: 'r.example.com',
    name: 'registry',
    yaml: 'r.example.com',
  },
  {argv: ['--retries', '3'], expected: '3', name: 'retries', yaml: '3'},
  {argv: ['--secret', 'A=arn:aws:ssm:x'], expected: ['A=arn:aws:ssm:x'], name: 'secrets', yaml: 'A=arn:aws:ssm:x'},
  {argv: ['--shared-memory', '1GiB'], expected: '1GiB', name: 'sharedMemory', yaml: '1GiB'},
  {argv: ['--swappiness', '60'], expected: '60', name: 'swappiness', yaml: '60'},
  {argv: ['--tag', 'a=1'], expected: ['a=1'], name: 'tags', yaml: 'a=1'},
  {argv: ['--timeout', '1h30m'], env: '1h30m', expected: '1h30m', name: 'timeout', yaml: '1h30m'},
  {argv: ['--timeout', '3600'], env: '3600', expected: '3600', name: 'timeout', yaml: '3600'},
  {argv: ['--tmpfs-path', '/scratch'], expected: '/scratch', name: 'tmpfsPath', yaml: '/scratch'},
  {argv: ['--tmpfs-size', '2GiB'], expected: '2GiB', name: 'tmpfsSize', yaml: '2GiB'},
  {argv: ['--no-tmpfs-tempdir'], expected: false, name: 'tmpfsTempdir', yaml: 'false'},
  {argv: ['--trainium', '1'], expected: '1', name: 'trainium', yaml: '1'},
  {argv: ['--user', 'alice'], env: 'alice', expected: 'alice', name: 'user', yaml: 'alice'},
  {argv: ['--use-tmpfs'], expected: true, name: 'useTmpfs', yaml: 'true'},
]

/** The flags as `submit` parses and maps them (src/commands/submit.ts). */
async function fromFlags(argv: string[]) {
  const {flags} = await Parser.parse(argv, {flags: submitFlags, strict: true})
  return resolveSettings({env: {}, flags: {...settingsFromFlags(flags), package: packageFlagValue(flags)}})
}

function fromYaml(name: SettingName, text: string) {
  const config = defaultLoaders['.yaml']('/p/.mfbatchrc.yaml', `${name}: ${text}\n`) as Record<string, unknown>
  return resolveSettings({env: {}, flags: {}, projectConfig: {config, filepath: '/p/.mfbatchrc.yaml'}})
}

describe('a value means the same from a flag, the environment and .mfbatchrc.yaml', () => {
  test('every setting of the catalogue has a row', () => {
    expect(CATALOG.map((spec) => spec.name).filter((name) => !ROWS.some((row) => row.name === name))).toEqual([])
  })

  test.each(ROWS.map((row) => [`${row.name}: ${row.yaml}`, row] as const))('%s', async (_, row) => {
    const spec = CATALOG.find((s) => s.name === row.name)!
    const file = fromYaml(row.name, row.yaml)[row.name]
    expect(file).toEqual({
      origin: {kind: 'project', label: `/p/.mfbatchrc.yaml (key ${row.name})`},
      value: row.expected,
    })
    if (row.argv) {
      expect(spec.flag).toBeDefined()
      expect((await fromFlags(row.argv))[row.name].value).toEqual(row.expected)
    }

    if (row.env !== undefined) {
      const [variable] = spec.env
      expect(resolveSettings({env: {[variable]: row.env}, flags: {}})[row.name]).toEqual({
        origin: {kind: 'env', label: variable},
        value: row.expected,
      })
    }
  })

  test('every setting with a flag has a row that sets it by flag, and every one with a variable by it', () => {
    for (const spec of CATALOG) {
      const rows = ROWS.filter((row) => row.name === spec.name)
      expect({argv: rows.some((row) => row.argv), name: spec.name}).toEqual({argv: Boolean(spec.flag), name: spec.name})
      expect({env: rows.some((row) => row.env !== undefined), name: spec.name}).toEqual({
        env: spec.env.length > 0,
        name: spec.name,
      })
    }
  })
})
