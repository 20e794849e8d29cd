import type {RerunRequests} from '../../../../src/batch/rerun/plan'

import {wrapCommand, wrapSectionOnly} from '../../../../src/batch/package/bootstrap'
import {packagedRerun, repackaged} from '../../../../src/batch/rerun/package'

const SHA = 'a'.repeat(64)
const pkg = {
  archivePath: '/tmp/none.tar.gz',
  bytes: 0,
  dir: '/w',
  files: 1,
  location: {bucket: 'bkt', key: `p/mfbatch/packages/${SHA}.tar.gz`, url: `s3://bkt/p/mfbatch/packages/${SHA}.tar.gz`},
  sha256: SHA,
  warnings: [],
}
const wrap = (user: readonly string[]) => ['NEW', ...user]
const requestsWith = (command: string[], environment: Array<{name: string; value: string}>): RerunRequests => ({
  submitJob: {containerOverrides: {command, environment}, jobDefinition: 'd', jobName: 'n', jobQueue: 'q'},
})

describe('rerun --package: the new package in the old command', () => {
  test.each([
    ['a plain command gets the bootstrap', ['python', 'a.py'], ['NEW', 'python', 'a.py']],
    [
      "a packaged command's bootstrap is replaced",
      ['sh', '-c', 'OLD', 'mfbatch-bootstrap', 'python', 'a.py'],
      ['NEW', 'python', 'a.py'],
    ],
    [
      'inside a multi-node wrapper, the bootstrap is replaced where it was',
      ['sh', '-c', 'NODE', 'mfbatch-node', 'sh', '-c', 'OLD', 'mfbatch-bootstrap', 'torchrun', 'a.py'],
      ['sh', '-c', 'NODE', 'mfbatch-node', 'NEW', 'torchrun', 'a.py'],
    ],
    [
      'a multi-node job without a package gets one inside its wrapper',
      ['sh', '-c', 'NODE', 'mfbatch-node', 'torchrun', 'a.py'],
      ['sh', '-c', 'NODE', 'mfbatch-node', 'NEW', 'torchrun', 'a.py'],
    ],
    [
      "inside a task table's wrapper, the bootstrap is replaced where it was",
      ['sh', '-c', 'TASKS', 'mfbatch-tasks', 'sh', '-c', 'OLD', 'mfbatch-bootstrap', 'python', 'a.py'],
      ['sh', '-c', 'TASKS', 'mfbatch-tasks', 'NEW', 'python', 'a.py'],
    ],
    ["a user's own sh -c is a command, not a wrapper", ['sh', '-c', 'exit 3'], ['NEW', 'sh', '-c', 'exit 3']],
  ])('%s', (_name, command, expected) => {
    expect(repackaged(command, wrap)).toEqual(expected)
  })

  const OLD_SHA = 'b'.repeat(64)
  const oldPackage = {bucket: 'bkt', key: `p/mfbatch/packages/${OLD_SHA}.tar.gz`, url: ''}

  test('the URL replaces the old one in the environment; the command holds no URL', () => {
    const old = wrapCommand(['python', 'a.py'], {image: 'img', location: oldPackage, sha256: OLD_SHA})
    const requests = requestsWith(old, [
      {name: 'A', value: '1'},
      {name: 'MFBATCH_PACKAGE_URL', value: 'https://old'},
    ])
    const packaged = packagedRerun(requests, pkg, 'https://new?X-Amz-Signature=1', 'img')
    expect(packaged.submitJob.containerOverrides).toEqual({
      command: wrapCommand(['python', 'a.py'], {image: 'img', location: pkg.location, sha256: SHA}),
      environment: [
        {name: 'A', value: '1'},
        {name: 'MFBATCH_PACKAGE_URL', value: 'https://new?X-Amz-Signature=1'},
      ],
    })
    expect(JSON.stringify(packaged.submitJob.containerOverrides?.command)).not.toContain('X-Amz-Signature')
    expect(requests.submitJob.containerOverrides?.command).toEqual(old)
  })

  test("a bootstrap whose steps are stored (with a task table's facts) keeps them, and gets no URL", () => {
    const facts = ["TB='bkt'", "TK='p/mfbatch/tasks/t.env'", "TS='c'", "XB='bkt'"]
    const section = {facts, run: 'LOADER\n', stored: true}
    const old = wrapCommand(['python', 'a.py'], {image: 'img', location: oldPackage, sha256: OLD_SHA}, section)
    const packaged = packagedRerun(requestsWith(old, [{name: 'A', value: '1'}]), pkg, 'https://new', 'img')
    expect(packaged.submitJob.containerOverrides).toEqual({
      command: wrapCommand(['python', 'a.py'], {image: 'img', location: pkg.location, sha256: SHA}, section),
      environment: [{name: 'A', value: '1'}],
    })
  })

  test('a bootstrap without a package (--output, --tasks with stored steps) is refused: wrapping would drop it', () => {
    const old = wrapSectionOnly(['python', 'a.py'], 'img', {facts: ["OB='bkt'"], run: 'LOADER\n', stored: true})
    expect(() => packagedRerun(requestsWith(old, []), pkg, 'https://new', 'img')).toThrow(
      '--package: the job ran --input, --output or --tasks without a package, and its bootstrap cannot take one; ' +
        'submit it again with --package',
    )
  })
})
