import {buildRequests} from '../../../../src/batch/definition/requests'
import {errorOf, requestsFor, specFor} from '../support'

describe('buildRequests', () => {
  test('the default EC2 requests, whole, with a pinned definition name (a change re-registers for every user)', () => {
    expect(requestsFor({})).toEqual({
      registerJobDefinition: {
        containerProperties: {
          command: ['echo', 'mfbatch job definition: the command comes with each submit'],
          image: 'python:3.11',
          resourceRequirements: [
            {type: 'VCPU', value: '1'},
            {type: 'MEMORY', value: '4096'},
          ],
        },
        jobDefinitionName: 'mfbatch_d2b57c75eea1ad77e5a86b475ebc5625399d8dd71a73839221e4e6c4c657d31f',
        platformCapabilities: ['EC2'],
        propagateTags: true,
        type: 'container',
      },
      submitJob: {
        containerOverrides: {
          command: ['python', 'train.py'],
          resourceRequirements: [
            {type: 'VCPU', value: '1'},
            {type: 'MEMORY', value: '4096'},
          ],
        },
        jobDefinition: 'mfbatch_d2b57c75eea1ad77e5a86b475ebc5625399d8dd71a73839221e4e6c4c657d31f',
        jobName: 'alice-python-train_py',
        jobQueue: 'q',
        retryStrategy: {attempts: 1},
        timeout: {attemptDurationSeconds: 432_000},
      },
    })
  })

  test('resources go VCPU, GPU, MEMORY, in that order', () => {
    const {resourceRequirements} = requestsFor({cpu: '8', gpu: '4', memory: '61000'}).submitJob.containerOverrides!
    expect(JSON.stringify(resourceRequirements)).toBe(
      '[{"type":"VCPU","value":"8"},{"type":"GPU","value":"4"},{"type":"MEMORY","value":"61000"}]',
    )
  })

  test('no tags, no environment, no dependencies: the members are left out, not sent empty', () => {
    const {submitJob} = requestsFor({})
    expect(Object.keys(submitJob).sort()).toEqual([
      'containerOverrides',
      'jobDefinition',
      'jobName',
      'jobQueue',
      'retryStrategy',
      'timeout',
    ])
    expect(Object.keys(submitJob.containerOverrides!).sort()).toEqual(['command', 'resourceRequirements'])
  })

  test('a queue found at run time fills a spec that names none', () => {
    const spec = {...specFor({}), queue: undefined}
    expect(buildRequests(spec, 'found-queue').submitJob.jobQueue).toBe('found-queue')
    expect(errorOf(() => buildRequests(spec))).toBe(
      'InputError: --queue is required here; name a job queue or set METAFLOW_BATCH_JOB_QUEUE',
    )
  })

  test('the requests do not share arrays with the spec (a caller may add tags or env safely)', () => {
    const spec = specFor({env: ['A=1'], tags: ['t=1']})
    const requests = buildRequests(spec)
    requests.submitJob.containerOverrides!.command!.push('extra')
    requests.submitJob.tags!.x = 'y'
    expect(spec.command).toEqual(['python', 'train.py'])
    expect(spec.tags).toEqual({t: '1'})
  })
})
