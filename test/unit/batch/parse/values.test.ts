import {parseDependency} from '../../../../src/batch/parse/depends-on'
import {parseDuration} from '../../../../src/batch/parse/duration'
import {parseEnvFile} from '../../../../src/batch/parse/env-file'
import {imageNamesRegistry, withRegistry} from '../../../../src/batch/parse/image'
import {defaultJobName, sanitizeJobName} from '../../../../src/batch/parse/job-name'
import {parseEfsVolume, parseHostVolume} from '../../../../src/batch/parse/volumes'

describe('durations', () => {
  test.each([
    ['60', 60],
    ['3600', 3600],
    ['45s', 45],
    ['90m', 5400],
    ['1h30m', 5400],
    ['2d', 172_800],
    ['1d2h3m4s', 93_784],
    [' 1H ', 3600],
    ['0', 0],
  ])('%j is %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds)
  })

  test.each(['', 'h', '1.5h', '30m1h', '-60', '1 h', '1w', '1h 30m', '1e3', '0x10'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined()
  })
})

describe('registry rule: a registry goes first only when the image names none', () => {
  test.each([
    ['python:3.11', false],
    ['team/app', false],
    ['team/app:1.0', false],
    ['ghcr.io/team/app', true],
    ['localhost/app', true],
    ['localhost:5000/app', true],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1', true],
    ['registry:5000/app', true],
    ['a.b', false],
  ])('%s names a registry: %s', (image, names) => {
    expect(imageNamesRegistry(image)).toBe(names)
  })

  test.each([
    ['python:3.11', 'r.example.com', 'r.example.com/python:3.11'],
    ['team/app', 'r.example.com/', 'r.example.com/team/app'],
    ['ghcr.io/team/app', 'r.example.com', 'ghcr.io/team/app'],
    ['python:3.11', undefined, 'python:3.11'],
    ['python:3.11', '  ', 'python:3.11'],
  ])('%s with registry %j is %s', (image, registry, expected) => {
    expect(withRegistry(image, registry)).toBe(expected)
  })
})

describe('job names', () => {
  test.each([
    ['alice', ['python', 'train.py'], 'alice-python-train_py'],
    ['first.last', ['/usr/bin/python3', '/src/train.py', '--epochs', '3'], 'first_last-python3-train_py'],
    [undefined, ['echo', 'hello world'], 'mfbatch-echo'],
    [undefined, ['echo', 'hello', 'world', 'again'], 'mfbatch-echo-hello-world'],
    ['alice', ['sh', '-c', 'echo $HOME && ls'], 'alice-echo'],
    ['alice', ['bash', '-lc', 'exec python train.py --lr 0.1'], 'alice-python-train_py'],
    ['alice', ['sh', '-c', 'LRS="0.01 0.1"; for lr in $LRS; do python eval.py --lr $lr; done'], 'alice-sh'],
    ['alice', ['sh', 'run.sh', 'fast'], 'alice-sh-run_sh-fast'],
    ['alice', ['sh', '-c', 'if [ "$AWS_BATCH_JOB_ATTEMPT" = 1 ]; then exit 2; fi'], 'alice-sh'],
    ['alice', ['bash', '-c', 'for lr in 0.1 0.01; do python eval.py --lr $lr; done'], 'alice-bash'],
    ['alice', ['python', 'call.py', 'sk-proj-abc123'], 'alice-python-call_py'],
    ['alice', ['curl', '-H', 'Authorization: Bearer x', 'https://h/p'], 'alice-curl'],
    ['alice', ['python', 'ghp_0123456789abcdef'], 'alice-python'],
    ['alice', ['aws', 'AKIAIOSFODNN7EXAMPLE'], 'alice-aws'],
    ['alice', ['fetch', 'a1b2c3d4e5f6a7b8c9d0'], 'alice-fetch'],
    ['alice', ['python', 'skip.py', 'pkg'], 'alice-python-skip_py-pkg'],
    ['alice', ['./sweep', '3', 'KEY=v'], 'alice-sweep-3'],
    ['é', ['./run'], 'run'],
    ['_svc', ['/'], 'svc'],
  ])('user %j and %j give %s', (user, command, name) => {
    expect(defaultJobName(user, command)).toBe(name)
  })

  test('long commands are cut to 128 characters without a trailing separator', () => {
    expect(defaultJobName('alice', ['x'.repeat(60), 'y'.repeat(20), '-z'])).toBe(
      `alice-${'x'.repeat(60)}-${'y'.repeat(20)}`,
    )
    expect(defaultJobName('a', ['b'.repeat(200)])).toHaveLength(128)
  })

  test.each([
    ['ok_name-1', 'ok_name-1'],
    ['--lead', 'lead'],
    ['', 'mfbatch'],
    ['!!!', 'mfbatch'],
    ['a b/c', 'a_b_c'],
  ])('%j sanitizes to %j', (raw, name) => {
    expect(sanitizeJobName(raw)).toBe(name)
  })
})

describe('env files', () => {
  test('KEY=VALUE lines, comments, blank lines, export, quotes', () => {
    const content = '# header\n\nA=1\r\nexport B = two words \nC="quoted # not a comment"\nD=\'x\'\nE=\nF==eq\n'
    expect(parseEnvFile(content)).toEqual({
      entries: [
        {line: 3, name: 'A', value: '1'},
        {line: 4, name: 'B', value: 'two words'},
        {line: 5, name: 'C', value: 'quoted # not a comment'},
        {line: 6, name: 'D', value: 'x'},
        {line: 7, name: 'E', value: ''},
        {line: 8, name: 'F', value: '=eq'},
      ],
    })
  })

  test('a line without = is reported with its number', () => {
    expect(parseEnvFile('A=1\nnot a pair\nB=2')).toEqual({
      entries: [{line: 1, name: 'A', value: '1'}],
      problem: {line: 2, text: 'not a pair'},
    })
  })
})

describe('volumes', () => {
  test.each([
    ['/data', {containerPath: '/data', kind: 'host', name: '_data', sourcePath: '/data'}],
    ['/opt/x.v1:/x', {containerPath: '/x', kind: 'host', name: '_opt_x_v1', sourcePath: '/opt/x.v1'}],
  ])('host %s', (raw, volume) => {
    expect(parseHostVolume(raw)).toEqual(volume)
  })

  test.each(['data', '/data:rel', '/a b', '/data:', '/dätä'])('host %j is rejected', (raw) => {
    expect(parseHostVolume(raw)).toBeUndefined()
  })

  test.each([
    [
      'fs-12345678',
      {containerPath: '/mnt/fs-12345678', fileSystemId: 'fs-12345678', kind: 'efs', name: 'efs_fs-12345678'},
    ],
    [
      'fs-0123456789abcdef0:/shared',
      {containerPath: '/shared', fileSystemId: 'fs-0123456789abcdef0', kind: 'efs', name: 'efs_fs-0123456789abcdef0'},
    ],
  ])('efs %s', (raw, volume) => {
    expect(parseEfsVolume(raw)).toEqual(volume)
  })

  test.each(['fs-123', 'fs-XYZ12345', '12345678', 'fs-12345678:shared'])('efs %j is rejected', (raw) => {
    expect(parseEfsVolume(raw)).toBeUndefined()
  })
})

describe('dependencies', () => {
  const ID = '6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f'

  test.each([
    [ID, {jobId: ID}],
    [`${ID}:N_TO_N`, {jobId: ID, type: 'N_TO_N'}],
    [`${ID}:sequential`, {jobId: ID, type: 'SEQUENTIAL'}],
    [`${ID}:3`, {jobId: `${ID}:3`}],
    [`${ID}:3:N_TO_N`, {jobId: `${ID}:3`, type: 'N_TO_N'}],
    [`arn:aws:batch:us-east-1:123456789012:job/${ID.toUpperCase()}`, {jobId: ID}],
  ])('%s', (raw, dependency) => {
    expect(parseDependency(raw)).toEqual(dependency)
  })

  test.each(['', ':N_TO_N', 'a b', '-x', 'abc', 'abc:N_TO_N', `${ID}:x`, `${ID} ; rm -rf /`])(
    '%j is rejected',
    (raw) => {
      expect(parseDependency(raw)).toBeUndefined()
    },
  )
})
