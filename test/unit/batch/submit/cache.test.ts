import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/**
 * The submit cache: what it keeps and for how long, whose entries it is, which answers mean "stale", where it lives,
 * and the submit service using it (one SubmitJob when it knows the queue and the definition; the long way once when
 * AWS rejects what it knew).
 */
import type {BatchApi} from '../../../../src/batch/clients'

import {
  cachedDefinition,
  cacheDir,
  cachedQueue,
  cacheScope,
  emptyCache,
  forget,
  isFresh,
  isRejection,
  MAX_AGE_MS,
  MAX_ENTRIES,
  parseCache,
  remember,
  SubmitCache,
} from '../../../../src/batch/submit/cache'
import {prepareSubmit, submitPrepared} from '../../../../src/batch/submit/service'
import {awsError} from '../logs/logs-fakes'

const NOW = 1_800_000_000_000
const A = cacheScope({endpoint: 'http://127.0.0.1:4589', region: 'us-east-1'})
const B = cacheScope({endpoint: 'http://127.0.0.1:4589', region: 'eu-west-1'})

/** A Batch with one EC2 queue `q`; `reject` makes the next SubmitJob calls fail with ClientException. */
function fakeBatch() {
  const calls: string[] = []
  const state = {definitions: [] as string[], reject: 0}
  const batch = {
    async describeComputeEnvironments() {
      calls.push('DescribeComputeEnvironments')
      return {
        $metadata: {},
        computeEnvironments: [{computeEnvironmentArn: 'arn:ce', computeResources: {type: 'EC2'}}],
      }
    },
    async describeJobDefinitions({jobDefinitionName}: {jobDefinitionName?: string}) {
      calls.push('DescribeJobDefinitions')
      const found = state.definitions.filter((d) => d === jobDefinitionName)
      return {
        $metadata: {},
        jobDefinitions: found.map((d) => ({jobDefinitionArn: `arn:${d}:1`, revision: 1, status: 'ACTIVE'})),
      }
    },
    async describeJobQueues() {
      calls.push('DescribeJobQueues')
      return {
        $metadata: {},
        jobQueues: [{computeEnvironmentOrder: [{computeEnvironment: 'arn:ce', order: 1}], jobQueueName: 'q'}],
      }
    },
    async registerJobDefinition({jobDefinitionName}: {jobDefinitionName?: string}) {
      calls.push('RegisterJobDefinition')
      state.definitions.push(jobDefinitionName!)
      return {$metadata: {}, jobDefinitionArn: `arn:${jobDefinitionName}:1`}
    },
    async submitJob({jobName}: {jobName?: string}) {
      calls.push('SubmitJob')
      if (state.reject > 0) {
        state.reject--
        throw awsError('ClientException', 400, 'Job definition not found')
      }

      return {$metadata: {}, jobArn: 'arn:job/1', jobId: 'job-1', jobName}
    },
  } as unknown as BatchApi
  return {batch, calls, state}
}

const flag = (label: string, value: unknown) => ({origin: {kind: 'flag' as const, label}, value})
const prepared = () => prepareSubmit({queue: flag('--queue', 'q')}, ['echo', 'hi'], {})

describe('cache entries', () => {
  test('a scope is a short hash of where the calls go; any part changes it', () => {
    expect(A).toMatch(/^[\da-f]{16}$/)
    const parts = {accessKeyId: 'AKID', endpoint: 'e', local: 'local:', profile: 'p', region: 'r'}
    const scopes = new Set([
      cacheScope(parts),
      ...Object.keys(parts).map((name) => cacheScope({...parts, [name]: undefined})),
    ])
    expect(scopes.size).toBe(6)
    expect(cacheScope(parts)).toBe(cacheScope({...parts}))
  })

  test('what is remembered is found again in its scope only, for a week', () => {
    const confirmed = {
      definition: {arn: 'arn:aws:batch:r:1:job-definition/mfbatch_x:3', name: 'mfbatch_x'},
      queue: {asked: 'q', platform: 'FARGATE' as const, queue: 'q'},
    }
    const data = remember(emptyCache(), A, confirmed, NOW)
    expect(cachedQueue(data, A, 'q', NOW + 1000)).toEqual({at: NOW, platform: 'FARGATE', queue: 'q'})
    expect(cachedDefinition(data, A, 'mfbatch_x', NOW)).toBe('arn:aws:batch:r:1:job-definition/mfbatch_x:3')
    expect(cachedQueue(data, B, 'q', NOW)).toBeUndefined()
    expect(cachedDefinition(data, B, 'mfbatch_x', NOW)).toBeUndefined()
    expect(cachedQueue(data, A, 'q', NOW + MAX_AGE_MS)).toBeDefined()
    expect(cachedQueue(data, A, 'q', NOW + MAX_AGE_MS + 1)).toBeUndefined()
    expect(cachedDefinition(data, A, 'mfbatch_x', NOW + MAX_AGE_MS + 1)).toBeUndefined()
  })

  test('an entry from the future (a clock set back) is not trusted', () => {
    expect(isFresh({at: NOW}, NOW)).toBe(true)
    expect(isFresh({at: NOW + 1}, NOW)).toBe(false)
    expect(isFresh(undefined, NOW)).toBe(false)
  })

  test('forgetting drops the entries a rejected submit used, and nothing else', () => {
    let data = remember(emptyCache(), A, {queue: {asked: 'q', platform: 'EC2', queue: 'q'}}, NOW)
    data = remember(
      data,
      A,
      {definition: {arn: 'arn:d1', name: 'd1'}, queue: {asked: 'r', platform: 'EC2', queue: 'r'}},
      NOW,
    )
    data = remember(data, B, {definition: {arn: 'arn:d1-b', name: 'd1'}}, NOW)
    const after = forget(data, A, {definition: 'd1', queue: 'q'})
    expect(cachedQueue(after, A, 'q', NOW)).toBeUndefined()
    expect(cachedDefinition(after, A, 'd1', NOW)).toBeUndefined()
    expect(cachedQueue(after, A, 'r', NOW)).toBeDefined()
    expect(cachedDefinition(after, B, 'd1', NOW)).toBe('arn:d1-b')
    expect(cachedQueue(data, A, 'q', NOW)).toBeDefined() // pure: the old value is untouched
  })

  test('the file keeps the most recent entries of each kind and drops the expired ones', () => {
    let data = remember(emptyCache(), A, {definition: {arn: 'arn:old', name: 'old'}}, NOW - MAX_AGE_MS - 1)
    for (let i = 0; i <= MAX_ENTRIES; i++)
      data = remember(data, A, {definition: {arn: `arn:${i}`, name: `d${i}`}}, NOW + i)
    expect(Object.keys(data.definitions)).toHaveLength(MAX_ENTRIES)
    expect(cachedDefinition(data, A, 'd0', NOW + MAX_ENTRIES)).toBeUndefined()
    expect(cachedDefinition(data, A, `d${MAX_ENTRIES}`, NOW + MAX_ENTRIES)).toBe(`arn:${MAX_ENTRIES}`)
    expect(Object.keys(data.definitions).some((k) => k.endsWith('/old'))).toBe(false)
  })

  test('a file that is missing, broken or of another version reads as empty', () => {
    for (const text of [undefined, '', '{', '[]', '{"version":2,"queues":{},"definitions":{}}', '{"version":1}']) {
      expect(parseCache(text)).toEqual(emptyCache())
    }

    const data = remember(emptyCache(), A, {definition: {arn: 'arn:d', name: 'd'}}, NOW)
    expect(parseCache(JSON.stringify(data))).toEqual(data)
  })
})

describe('which answers mean the cache may be stale', () => {
  test.each([
    ['ClientException', 400, true],
    ['AccessDeniedException', 403, true],
    ['ResourceNotFoundException', 404, true],
    ['TooManyRequestsException', 429, false],
    ['ServerException', 500, false],
    ['ServiceUnavailable', 503, false],
  ])('%s (%d): %s', (name, status, stale) => {
    expect(isRejection(awsError(name, status))).toBe(stale)
  })

  test('a network failure or no error at all is not a rejection', () => {
    expect(isRejection(Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'}))).toBe(false)
    expect(isRejection()).toBe(false)
  })
})

describe('where the cache lives', () => {
  test('MFBATCH_CACHE_DIR, else $XDG_CACHE_HOME/mfbatch, else ~/.cache/mfbatch; MFBATCH_NO_CACHE turns it off', () => {
    expect(cacheDir({MFBATCH_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x'}, '/home/u')).toBe('/c')
    expect(cacheDir({XDG_CACHE_HOME: '/x'}, '/home/u')).toBe('/x/mfbatch')
    expect(cacheDir({}, '/home/u')).toBe('/home/u/.cache/mfbatch')
    expect(cacheDir({MFBATCH_CACHE_DIR: '/c', MFBATCH_NO_CACHE: '1'}, '/home/u')).toBeUndefined()
    expect(cacheDir({MFBATCH_NO_CACHE: 'true'}, '/home/u')).toBeUndefined()
    for (const value of ['', '0', 'false'])
      expect(cacheDir({MFBATCH_NO_CACHE: value}, '/home/u')).toBe('/home/u/.cache/mfbatch')
  })
})

describe('the cache file and the submit service', () => {
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mfbatch-submit-cache-'))
  })

  afterEach(() => {
    rmSync(dir, {force: true, recursive: true})
  })

  test('a note is said the first time in a scope, not again there for a week; another scope says it too', () => {
    const file = join(dir, 'submit.json')
    let now = NOW
    const cache = (scope: string) => new SubmitCache(file, scope, () => now)
    expect(cache(A).firstTime('defaulted-queue:local')).toBe(true)
    expect(cache(A).firstTime('defaulted-queue:local')).toBe(false)
    expect(cache(A).firstTime('defaulted-queue:other')).toBe(true)
    expect(cache(B).firstTime('defaulted-queue:local')).toBe(true)
    // Remembering a queue keeps the notes.
    cache(A).remember({queue: {asked: 'q', platform: 'EC2', queue: 'q'}})
    expect(cache(A).firstTime('defaulted-queue:local')).toBe(false)
    now += MAX_AGE_MS + 1
    expect(cache(A).firstTime('defaulted-queue:local')).toBe(true)
  })

  test('a file written before notes existed reads with none', () => {
    expect(parseCache('{"version":1,"queues":{},"definitions":{}}')).toEqual(emptyCache())
  })

  test('entries survive in the file; a file that cannot be written costs nothing but the entries', () => {
    const file = join(dir, 'sub', 'submit.json')
    new SubmitCache(file, A, () => NOW).remember({queue: {asked: 'q', platform: 'EC2', queue: 'q'}})
    expect(new SubmitCache(file, A, () => NOW).queue('q')).toEqual({at: NOW, platform: 'EC2', queue: 'q'})
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1)
    writeFileSync(join(dir, 'blocker'), '')
    const unwritable = new SubmitCache(join(dir, 'blocker', 'submit.json'), A, () => NOW)
    expect(() => unwritable.remember({queue: {asked: 'q', platform: 'EC2', queue: 'q'}})).not.toThrow()
    expect(new SubmitCache(join(dir, 'blocker', 'submit.json'), A, () => NOW).queue('q')).toBeUndefined()
  })

  test('the second submit is one SubmitJob; a rejected one forgets and takes the long way once', async () => {
    const {batch, calls, state} = fakeBatch()
    const cache = new SubmitCache(join(dir, 'submit.json'), A, () => NOW)
    const first = await submitPrepared(batch, prepared(), {cache})
    expect(calls.splice(0)).toEqual([
      'DescribeJobQueues',
      'DescribeComputeEnvironments',
      'DescribeJobDefinitions',
      'RegisterJobDefinition',
      'SubmitJob',
    ])
    const second = await submitPrepared(batch, prepared(), {cache})
    expect(calls.splice(0)).toEqual(['SubmitJob'])
    expect(second).toMatchObject({
      jobDefinition: first.jobDefinition,
      jobQueue: 'q',
      platform: 'EC2',
      registered: false,
    })

    // The definition is gone (a fresh account, a deregistration): SubmitJob says so, and the long way registers it.
    state.definitions = []
    state.reject = 1
    const third = await submitPrepared(batch, prepared(), {cache})
    expect(calls.splice(0)).toEqual([
      'SubmitJob',
      'DescribeJobQueues',
      'DescribeComputeEnvironments',
      'DescribeJobDefinitions',
      'RegisterJobDefinition',
      'SubmitJob',
    ])
    expect(third).toMatchObject({jobId: 'job-1', registered: true})
    await submitPrepared(batch, prepared(), {cache})
    expect(calls.splice(0)).toEqual(['SubmitJob'])
  })

  test('a rejection that the long way gets too is the error shown, after one retry only', async () => {
    const {batch, calls, state} = fakeBatch()
    const cache = new SubmitCache(join(dir, 'submit.json'), A, () => NOW)
    await submitPrepared(batch, prepared(), {cache})
    calls.splice(0)
    state.reject = 2
    await expect(submitPrepared(batch, prepared(), {cache})).rejects.toThrow(
      'SubmitJob failed (ClientException): Job definition not found',
    )
    expect(calls.filter((c) => c === 'SubmitJob')).toHaveLength(2)
  })

  test('without a cache every submit takes the long way', async () => {
    const {batch, calls} = fakeBatch()
    await submitPrepared(batch, prepared())
    await submitPrepared(batch, prepared())
    expect(calls.slice(5)).toEqual([
      'DescribeJobQueues',
      'DescribeComputeEnvironments',
      'DescribeJobDefinitions',
      'SubmitJob',
    ])
  })
})
