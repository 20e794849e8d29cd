import type {JobDetail} from '@aws-sdk/client-batch'

import {spawnSync} from 'node:child_process'

import {originalIndices, withIndexWrapper} from '../../../../src/batch/oom/array'

const PRINT_INDEX = withIndexWrapper(['sh', '-c', 'echo "$AWS_BATCH_JOB_ARRAY_INDEX"'])
const run = (env: Record<string, string>) =>
  spawnSync(PRINT_INDEX[0], PRINT_INDEX.slice(1), {
    encoding: 'utf8',
    env: {PATH: process.env.PATH ?? '/usr/bin:/bin', ...env},
  }).stdout

const job = (environment: Array<{name: string; value: string}>) => ({container: {environment}}) as JobDetail

describe('the index wrapper of a rerun array', () => {
  test('child N runs as the Nth listed index; a single job as the first', () => {
    expect(run({AWS_BATCH_JOB_ARRAY_INDEX: '0', MFBATCH_ARRAY_INDICES: '3,7,12'})).toBe('3\n')
    expect(run({AWS_BATCH_JOB_ARRAY_INDEX: '2', MFBATCH_ARRAY_INDICES: '3,7,12'})).toBe('12\n')
    expect(run({MFBATCH_ARRAY_INDICES: '5'})).toBe('5\n')
  })

  test('put in front once; the user command is passed as is', () => {
    const once = withIndexWrapper(['python', 'train.py', "it's"])
    expect(once.slice(3)).toEqual(['mfbatch-array-index', 'python', 'train.py', "it's"])
    expect(withIndexWrapper(once)).toEqual(once)
  })

  test('the original indices of a rerun array, none for a first one', () => {
    expect(originalIndices(job([{name: 'MFBATCH_ARRAY_INDICES', value: '1,3'}]))).toEqual([1, 3])
    expect(originalIndices(job([]))).toBeUndefined()
  })
})
