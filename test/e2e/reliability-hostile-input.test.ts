/**
 * Reliability 5, hostile input. Every command (submit, status, logs, kill, config, emulator) and every settings
 * source (flags, environment variables, the project config file, Metaflow's local and global files) gets values
 * that are malformed, extreme, not numbers, negative, unicode, shell metacharacters, invalid names, reserved `aws:`
 * tags, malformed job ids, unparsable or unknown config. Each must exit 2 (125 when the command waits on a job)
 * with exactly one stderr line naming the source, nothing on stdout, and no API call: every case runs pointed at
 * an emulator, whose call counts must stay empty. The submit cases of bad-input.test.ts are run again here as real
 * submits, plain and with --wait.
 */
import {mkdtempSync, realpathSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, runCli, type RunResult, startEmulator, type TestEmulator} from '../helpers/emulator'
import {inPool, printFigures} from '../helpers/figures'
import {type Case, homes, layOut, SUBMIT_CASES} from './bad-input-cases'

const ID = '6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f'
const JOB_ID_ALLOWED = 'is not allowed; use a job id (a UUID, or UUID:N for an array child) or a job ARN'
const QUEUE_ALLOWED = 'is not allowed; use a job queue name or ARN'
const REGION_ALLOWED = 'is not allowed; use an AWS region such as us-east-1'
const URL_ALLOWED =
  'is not allowed; use an http:// or https:// URL without user or password, such as http://127.0.0.1:4589'
const SINCE_ALLOWED = 'is not allowed; use a duration such as 2h or an ISO date such as 2024-05-01T10:00Z'
const LOOPBACK = 'is not allowed; use a loopback address, or add --allow-remote (the emulator runs commands)'

/** A case with its whole argv (command first) and the exit code it must give. */
type Hostile = Case & {code?: number}

const OTHER_CASES: Array<[string, Hostile]> = [
  // status
  ['status: a malformed job id', {args: ['status', 'nope'], line: `job id: "nope" ${JOB_ID_ALLOWED}`}],
  [
    'status: a job id with shell metacharacters',
    {args: ['status', `${ID}; rm -rf ~`], line: `job id: "${ID}; rm -rf ~" ${JOB_ID_ALLOWED}`},
  ],
  [
    'status: an array index past 9999',
    {args: ['status', `${ID}:99999`], line: `job id: "${ID}:99999" ${JOB_ID_ALLOWED}`},
  ],
  ['status: a queue with a semicolon', {args: ['status', '--queue', 'a;b'], line: `--queue: "a;b" ${QUEUE_ALLOWED}`}],
  ['status: a unicode queue', {args: ['status', '--queue', 'qüeue'], line: `--queue: "qüeue" ${QUEUE_ALLOWED}`}],
  [
    'status: METAFLOW_BATCH_JOB_QUEUE with a command substitution',
    {
      args: ['status'],
      env: {METAFLOW_BATCH_JOB_QUEUE: '$(reboot)'},
      line: `METAFLOW_BATCH_JOB_QUEUE: "$(reboot)" ${QUEUE_ALLOWED}`,
    },
  ],
  [
    'status: a project file queue with a space',
    {
      args: ['status'],
      files: {'project/.mfbatchrc.json': {queue: 'my queue'}},
      line: `{root}/project/.mfbatchrc.json (key queue): "my queue" ${QUEUE_ALLOWED}`,
    },
  ],
  [
    'status: --limit NaN',
    {
      args: ['status', '--queue', 'local', '--limit', 'NaN'],
      line: '--limit: "NaN" is not allowed; use a whole number of 1 or more',
    },
  ],
  [
    'status: --limit negative',
    {
      args: ['status', '--queue', 'local', '--limit', '-3'],
      line: '--limit: "-3" is not allowed; use a whole number of 1 or more',
    },
  ],
  [
    'status: --since in words',
    {args: ['status', '--queue', 'local', '--since', 'yesterday'], line: `--since: "yesterday" ${SINCE_ALLOWED}`},
  ],
  [
    'status: --since of 274 billion years',
    {
      args: ['status', '--queue', 'local', '--since', '99999999999999d'],
      line: `--since: "99999999999999d" ${SINCE_ALLOWED}`,
    },
  ],
  [
    'status: --state with SQL in it',
    {
      args: ['status', '--queue', 'local', '--state', "RUNNING' OR 1=1"],
      line: '--state: "RUNNING\' OR 1=1" is not allowed; use one of SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED, FAILED or all',
    },
  ],
  [
    'status --wait: a negative --wait-timeout',
    {
      args: ['status', '--wait', '--wait-timeout', '-1s', ID],
      code: 125,
      line: '--wait-timeout: "-1s" is not allowed; use a duration such as 90s, 15m, 2h, 1h30m or 1d',
    },
  ],
  [
    'status: a region with a space',
    {args: ['status', '--region', 'us east', ID], line: `--region: "us east" ${REGION_ALLOWED}`},
  ],
  [
    'status: AWS_REGION as a path',
    {args: ['status', ID], env: {AWS_REGION: '../../etc'}, line: `AWS_REGION: "../../etc" ${REGION_ALLOWED}`},
  ],
  [
    'status: a project file profile that is a list',
    {
      args: ['status', ID],
      files: {'project/.mfbatchrc.json': {profile: ['dev']}},
      line: '{root}/project/.mfbatchrc.json (key profile): ["dev"] is not allowed; use the name of a profile in ~/.aws/config',
    },
  ],
  // logs
  ['logs: a malformed job id', {args: ['logs', 'abc'], line: `JOB: "abc" ${JOB_ID_ALLOWED}`}],
  [
    'logs --follow: a malformed job id',
    {args: ['logs', '--follow', '../../etc/passwd'], code: 125, line: `JOB: "../../etc/passwd" ${JOB_ID_ALLOWED}`},
  ],
  [
    'logs: a negative --tail',
    {args: ['logs', '--tail', '-5', ID], line: '--tail: "-5" is not allowed; use a whole number of 0 or more'},
  ],
  [
    'logs: --tail in exponent form',
    {args: ['logs', '--tail', '1e9', ID], line: '--tail: "1e9" is not allowed; use a whole number of 0 or more'},
  ],
  [
    'logs: --attempt 0',
    {args: ['logs', '--attempt', '0', ID], line: '--attempt: "0" is not allowed; use a whole number of 1 or more'},
  ],
  ['logs: --since tomorrow', {args: ['logs', '--since', 'tomorrow', ID], line: `--since: "tomorrow" ${SINCE_ALLOWED}`}],
  [
    'logs --follow: --wait-timeout NaN',
    {
      args: ['logs', '--follow', '--wait-timeout', 'NaN', ID],
      code: 125,
      line: '--wait-timeout: "NaN" is not allowed; use a duration such as 90s, 15m, 2h, 1h30m or 1d',
    },
  ],
  [
    'logs: AWS_ENDPOINT_URL_BATCH that is not http',
    {
      args: ['logs', ID],
      env: {AWS_ENDPOINT_URL_BATCH: 'ftp://x'},
      line: `AWS_ENDPOINT_URL_BATCH: "ftp://x" ${URL_ALLOWED}`,
    },
  ],
  [
    'logs: a METAFLOW_PROFILE whose file is missing',
    {
      args: ['logs', ID],
      env: {METAFLOW_PROFILE: 'missing'},
      line: 'METAFLOW_PROFILE=missing: {root}/home/metaflow/config_missing.json does not exist; create it or unset METAFLOW_PROFILE',
    },
  ],
  // kill
  ['kill: a malformed job id', {args: ['kill', '; rm -rf /'], line: `job id: "; rm -rf /" ${JOB_ID_ALLOWED}`}],
  [
    'kill: --rate 0',
    {args: ['kill', '--rate', '0', ID], line: '--rate: "0" is not allowed; use a whole number of 1 or more'},
  ],
  [
    'kill: --rate 1e3',
    {args: ['kill', '--rate', '1e3', ID], line: '--rate: "1e3" is not allowed; use a whole number of 1 or more'},
  ],
  [
    'kill: a queue with a space',
    {args: ['kill', '--queue', 'q ueue', '--yes'], line: `--queue: "q ueue" ${QUEUE_ALLOWED}`},
  ],
  [
    'kill: --queue without --yes and no terminal',
    {
      args: ['kill', '--queue', 'local'],
      line: '--queue: add --yes to terminate jobs chosen by queue when stdin is not a terminal',
    },
  ],
  [
    'kill: an endpoint with credentials in it (never echoed)',
    {
      args: ['kill', '--endpoint-url', 'http://AKID:s3cr3t@127.0.0.1:1', ID],
      line: `--endpoint-url: "****" ${URL_ALLOWED}`,
    },
  ],
  [
    'kill: a Metaflow global config that is not an object',
    {
      args: ['kill', ID],
      files: {'home/metaflow/config.json': '[1, 2]'},
      line: '{root}/home/metaflow/config.json: must hold a JSON object of METAFLOW_* keys',
    },
  ],
  // config
  [
    'config: bad JSON in the project file',
    {
      args: ['config'],
      files: {'project/.mfbatchrc.json': '{"queue": '},
      line: '{root}/project/.mfbatchrc.json: bad JSON: Unexpected end of JSON input',
    },
  ],
  [
    'config: bad YAML in the project file',
    {
      args: ['config'],
      files: {'project/.mfbatchrc.yaml': 'queue: [unclosed'},
      line: '{root}/project/.mfbatchrc.yaml: bad YAML: unexpected end of the stream within a flow collection (line 2, column 1)',
    },
  ],
  [
    'config: a misspelt key in the project file',
    {
      args: ['config'],
      files: {'project/.mfbatchrc.json': {memroy: 1}},
      line: '{root}/project/.mfbatchrc.json: unknown key "memroy"; did you mean "memory"?',
    },
  ],
  [
    'config: bad JSON in the Metaflow local config',
    {
      args: ['config'],
      files: {'project/.metaflow/config.json': '{nope'},
      line: "{root}/project/.metaflow/config.json: bad JSON: Expected property name or '}' in JSON (line 1, column 2)",
    },
  ],
  [
    'config: a METAFLOW_PROFILE whose file is missing',
    {
      args: ['config'],
      env: {METAFLOW_PROFILE: 'dev'},
      line: 'METAFLOW_PROFILE=dev: {root}/home/metaflow/config_dev.json does not exist; create it or unset METAFLOW_PROFILE',
    },
  ],
  [
    'config: a flag it does not have',
    {args: ['config', '--queue', 'x'], line: '--queue: not a flag here; --help lists the flags'},
  ],
  // emulator
  [
    'emulator: a negative port',
    {args: ['emulator', '--port', '-1'], line: '--port: "-1" is not allowed; use a whole number from 0 to 65535'},
  ],
  [
    'emulator: a port past 65535',
    {args: ['emulator', '--port', '70000'], line: '--port: "70000" is not allowed; use a whole number from 0 to 65535'},
  ],
  [
    'emulator: MFBATCH_EMULATOR_PORT in words',
    {
      args: ['emulator'],
      env: {MFBATCH_EMULATOR_PORT: 'abc'},
      line: 'MFBATCH_EMULATOR_PORT: "abc" is not allowed; use a whole number from 0 to 65535',
    },
  ],
  [
    'emulator: --fault-5xx NaN',
    {args: ['emulator', '--fault-5xx', 'NaN'], line: '--fault-5xx: "NaN" is not allowed; use a number from 0 to 1'},
  ],
  [
    'emulator: --fault-drop negative',
    {args: ['emulator', '--fault-drop', '-0.1'], line: '--fault-drop: "-0.1" is not allowed; use a number from 0 to 1'},
  ],
  [
    'emulator: --throttle-rps 0',
    {
      args: ['emulator', '--throttle-rps', '0'],
      line: '--throttle-rps: "0" is not allowed; use a whole number of 1 or more',
    },
  ],
  [
    'emulator: a negative --latency',
    {args: ['emulator', '--latency', '-5'], line: '--latency: "-5" is not allowed; use a whole number of 0 or more'},
  ],
  [
    'emulator: a fractional --seed',
    {args: ['emulator', '--seed', '1.5'], line: '--seed: "1.5" is not allowed; use a whole number'},
  ],
  [
    'emulator: --vcpus 0',
    {args: ['emulator', '--vcpus', '0'], line: '--vcpus: "0" is not allowed; use a whole number of 1 or more'},
  ],
  [
    'emulator: an empty --state-dir',
    {args: ['emulator', '--state-dir', ''], line: '--state-dir: "" is not allowed; use a directory path'},
  ],
  ['emulator: every address', {args: ['emulator', '--host', '0.0.0.0'], line: `--host: "0.0.0.0" ${LOOPBACK}`}],
  [
    'emulator: a host with a command substitution',
    {args: ['emulator', '--host', '$(reboot)'], line: `--host: "$(reboot)" ${LOOPBACK}`},
  ],
  // submit, beyond the dry-run table
  [
    'submit: cpu past what a double holds',
    {
      args: ['submit', '--queue', 'local', '--cpu', '1e309', '--', 'x'],
      line: '--cpu: "1e309" is not allowed; use a number greater than 0 (fractions like 0.25 are fine)',
    },
  ],
  [
    'submit: memory of twenty digits',
    {
      args: ['submit', '--queue', 'local', '--memory', '99999999999999999999', '--', 'x'],
      line: '--memory: "99999999999999999999" is not allowed; use a whole number of MiB greater than 0 or a size such as 4GiB or 512MiB',
    },
  ],
  [
    'submit: cpu NaN',
    {
      args: ['submit', '--queue', 'local', '--cpu', 'NaN', '--', 'x'],
      line: '--cpu: "NaN" is not allowed; use a number greater than 0 (fractions like 0.25 are fine)',
    },
  ],
  [
    'submit: a unicode job name',
    {
      args: ['submit', '--queue', 'local', '--name', 'jöb', '--', 'x'],
      line: '--name: "jöb" is not allowed; use up to 128 letters, digits, - and _, starting with a letter or digit',
    },
  ],
  [
    'submit: a job name with a command substitution',
    {
      args: ['submit', '--queue', 'local', '--name', '$(reboot)', '--', 'x'],
      line: '--name: "$(reboot)" is not allowed; use up to 128 letters, digits, - and _, starting with a letter or digit',
    },
  ],
  [
    'submit: a unicode environment variable name',
    {
      args: ['submit', '--queue', 'local', '--env', 'NÄME=1', '--', 'x'],
      line: '--env: "NÄME" is not allowed; names are letters, digits and _, not starting with a digit',
    },
  ],
  [
    'submit: a bad variable name whose value looks secret (the name only, never the value)',
    {
      args: ['submit', '--queue', 'local', '--env', 'DB-PASSWORD=hunter2', '--', 'x'],
      line: '--env: "DB-PASSWORD" is not allowed; names are letters, digits and _, not starting with a digit',
    },
  ],
  [
    'submit: an AWS: tag in upper case',
    {
      args: ['submit', '--queue', 'local', '--tag', 'AWS:x=y', '--', 'x'],
      line: '--tag: "AWS:x=y" is not allowed; tag keys starting with aws: are reserved',
    },
  ],
  [
    'submit: a dependency that is no job id',
    {
      args: ['submit', '--queue', 'local', '--depends-on', 'nope', '--', 'x'],
      line: '--depends-on: "nope" is not allowed; use a job id, optionally with :N_TO_N or :SEQUENTIAL',
    },
  ],
  [
    'submit: a secret value that is no ARN (masked)',
    {
      args: [
        'submit',
        '--queue',
        'local',
        '--execution-role',
        'arn:aws:iam::123456789012:role/x',
        '--secret',
        'DB_PASSWORD=hunter2',
        '--',
        'x',
      ],
      line: '--secret: "DB_PASSWORD=****" is not allowed; use NAME=ARN of a Secrets Manager secret or SSM parameter',
    },
  ],
  [
    'submit: a YAML .nan cpu in the project file',
    {
      args: ['submit', '--queue', 'local', '--', 'x'],
      files: {'project/.mfbatchrc.yaml': 'cpu: .nan\n'},
      line: '{root}/project/.mfbatchrc.yaml (key cpu): NaN is not allowed; use a number greater than 0 (fractions like 0.25 are fine)',
    },
  ],
  [
    'submit: retries of the wrong type in package.json',
    {
      args: ['submit', '--queue', 'local', '--', 'x'],
      files: {'project/package.json': {mfbatch: {retries: true}, name: 'p'}},
      line: '{root}/project/package.json (key retries): true is not allowed; use a whole number from 0 to 9',
    },
  ],
  [
    'submit: a queue list in the Metaflow global config',
    {
      args: ['submit', '--', 'x'],
      files: {'home/metaflow/config.json': {METAFLOW_BATCH_JOB_QUEUE: ['a']}},
      line: `{root}/home/metaflow/config.json (METAFLOW_BATCH_JOB_QUEUE): ["a"] ${QUEUE_ALLOWED}`,
    },
  ],
  [
    'submit: an aws: default tag in the Metaflow global config',
    {
      args: ['submit', '--queue', 'local', '--', 'x'],
      files: {'home/metaflow/config.json': {METAFLOW_BATCH_DEFAULT_TAGS: {'aws:x': 'y'}}},
      line: '{root}/home/metaflow/config.json (METAFLOW_BATCH_DEFAULT_TAGS): "aws:x=y" is not allowed; tag keys starting with aws: are reserved',
    },
  ],
  [
    'submit: METAFLOW_BATCH_DEFAULT_TAGS that is not JSON',
    {
      args: ['submit', '--queue', 'local', '--', 'x'],
      env: {METAFLOW_BATCH_DEFAULT_TAGS: '{not json'},
      line: "METAFLOW_BATCH_DEFAULT_TAGS: bad JSON: Expected property name or '}' in JSON at position 1",
    },
  ],
  [
    'submit: a METAFLOW_PROFILE that climbs out of METAFLOW_HOME',
    {
      args: ['submit', '--queue', 'local', '--', 'x'],
      env: {METAFLOW_PROFILE: '../../etc/passwd'},
      line: 'METAFLOW_PROFILE: "../../etc/passwd" is not allowed; use a profile name; it names the file config_NAME.json in METAFLOW_HOME',
    },
  ],
]

/** The submit cases of the dry-run table as real submits: plain (exit 2) and waiting (exit 125). */
const SUBMITTED: Array<[string, Hostile]> = SUBMIT_CASES.filter(([, c]) => !c.dryRunOnly).flatMap(([name, c]) => [
  [`submit: ${name}`, {...c, args: ['submit', ...c.args]}],
  [`submit --wait: ${name}`, {...c, args: ['submit', '--wait', ...c.args], code: 125}],
])

const ALL = [...OTHER_CASES, ...SUBMITTED]

let emulator: TestEmulator
let base: string
const results = new Map<string, {expected: string; result: RunResult; root: string}>()

beforeAll(async () => {
  emulator = await startEmulator()
  base = realpathSync(mkdtempSync(join(tmpdir(), 'mfbatch-e2e-hostile-')))
  // Four at a time, each in its own project and home; the assertions below read the results.
  await inPool(ALL, 4, async ([name, c], i) => {
    const root = join(base, String(i))
    layOut(root, c.files)
    const result = await runCli(c.args, {
      cwd: join(root, 'project'),
      env: {...emulator.env, ...homes(root), ...c.env},
      timeoutMs: 30_000,
    })
    results.set(name, {expected: c.line.replace('{root}', root), result, root})
  })
}, 240_000)

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
  if (base) rmSync(base, {force: true, recursive: true})
})

describe('hostile input: exit 2 (125 when waiting), one line naming the source, nothing on stdout', () => {
  test.each(ALL)('%s', (name, c) => {
    const {expected, result} = results.get(name)!
    expect(result).toEqual({code: c.code ?? 2, stderr: `mfbatch: ${expected}\n`, stdout: ''})
  })

  test(`not one API call for all ${ALL.length} cases`, async () => {
    expect(ALL.length).toBeGreaterThanOrEqual(60)
    expect(await emulator.stats()).toEqual({})
    const commands = new Set(ALL.map(([, c]) => c.args[0]))
    expect([...commands].sort()).toEqual(['config', 'emulator', 'kill', 'logs', 'status', 'submit'])
    printFigures('hostile input', {apiCalls: 0, cases: ALL.length, commands: commands.size})
  })
})
