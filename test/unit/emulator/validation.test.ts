/**
 * Request validation against AWS's models (vendored botocore), case by case: the error code each service answers
 * with and the whole message, in AWS's wording.
 */
import {violationError} from '../../../src/emulator/validation/errors'
import {loadModel, type ServiceName} from '../../../src/emulator/validation/model'
import {validateShape} from '../../../src/emulator/validation/validate'

function errorOf(service: ServiceName, operation: string, input: unknown): undefined | {code: string; message: string} {
  const model = loadModel(service)
  const {shape} = model.operations[operation].input!
  const error = violationError(service, validateShape(model, shape, input))
  return error && {code: error.code, message: error.message}
}

const batch = (operation: string, input: unknown) => errorOf('batch', operation, input)
const logs = (operation: string, input: unknown) => errorOf('logs', operation, input)
const client = (message: string) => ({code: 'ClientException', message})
const invalidParameter = (message: string) => ({code: 'InvalidParameterException', message})
const serialization = (message: string) => ({code: 'SerializationException', message})

const SUBMIT = {jobDefinition: 'jd:1', jobName: 'j1', jobQueue: 'local'}

describe('AWS Batch requests (ClientException)', () => {
  test('a complete SubmitJob as the JS SDK sends it is valid', () => {
    expect(
      batch('SubmitJob', {
        ...SUBMIT,
        containerOverrides: {
          command: ['echo', 'hi'],
          environment: [{name: 'A', value: '1'}],
          resourceRequirements: [{type: 'VCPU', value: '1'}],
        },
        parameters: {p: 'v'},
        retryStrategy: {attempts: 2},
        tags: {t: 'v'},
        timeout: {attemptDurationSeconds: 60},
      }),
    ).toBeUndefined()
  })

  test('a missing required member', () => {
    expect(batch('SubmitJob', {jobDefinition: 'jd:1', jobName: 'j1'})).toEqual(
      client(
        "1 validation error detected: Value null at 'jobQueue' failed to satisfy constraint: Member must not be null",
      ),
    )
  })

  test('all required members missing: one error each, in model order', () => {
    expect(batch('SubmitJob', {})).toEqual(
      client(
        '3 validation errors detected: ' +
          "Value null at 'jobName' failed to satisfy constraint: Member must not be null; " +
          "Value null at 'jobQueue' failed to satisfy constraint: Member must not be null; " +
          "Value null at 'jobDefinition' failed to satisfy constraint: Member must not be null",
      ),
    )
  })

  test('JSON null counts as missing', () => {
    expect(batch('SubmitJob', {...SUBMIT, jobQueue: null})).toEqual(
      client(
        "1 validation error detected: Value null at 'jobQueue' failed to satisfy constraint: Member must not be null",
      ),
    )
  })

  test('JSON null for an optional member is fine', () => {
    expect(batch('SubmitJob', {...SUBMIT, timeout: null})).toBeUndefined()
  })

  test('a string where a string is expected, given a number', () => {
    expect(batch('SubmitJob', {...SUBMIT, jobName: 5})).toEqual(
      client("Value at 'jobName' must be a string, not number 5"),
    )
  })

  test('an integer given as a string', () => {
    expect(batch('SubmitJob', {...SUBMIT, retryStrategy: {attempts: '2'}})).toEqual(
      client(`Value at 'retryStrategy.attempts' must be an integer, not string "2"`),
    )
  })

  test('an integer with a fraction', () => {
    expect(batch('SubmitJob', {...SUBMIT, timeout: {attemptDurationSeconds: 1.5}})).toEqual(
      client("Value at 'timeout.attemptDurationSeconds' must be an integer, not number 1.5"),
    )
  })

  test('an integer beyond 32 bits', () => {
    expect(batch('SubmitJob', {...SUBMIT, retryStrategy: {attempts: 2 ** 31}})).toEqual(
      client("Value at 'retryStrategy.attempts' must be an integer, not number 2147483648"),
    )
  })

  test('a boolean given as a string', () => {
    expect(batch('SubmitJob', {...SUBMIT, propagateTags: 'yes'})).toEqual(
      client(`Value at 'propagateTags' must be a boolean, not string "yes"`),
    )
  })

  test('an unknown top-level member', () => {
    expect(batch('SubmitJob', {...SUBMIT, jobQeue: 'typo'})).toEqual(client("Unknown member 'jobQeue'"))
  })

  test('an unknown nested member names its path', () => {
    expect(batch('SubmitJob', {...SUBMIT, containerOverrides: {cmd: ['x']}})).toEqual(
      client("Unknown member 'containerOverrides.cmd'"),
    )
  })

  test('an enum value outside the set, inside a list item', () => {
    expect(
      batch('SubmitJob', {...SUBMIT, containerOverrides: {resourceRequirements: [{type: 'CPU', value: '1'}]}}),
    ).toEqual(
      client(
        "1 validation error detected: Value 'CPU' at 'containerOverrides.resourceRequirements.1.member.type' " +
          'failed to satisfy constraint: Member must satisfy enum value set: [GPU, VCPU, MEMORY]',
      ),
    )
  })

  test('a required member missing in the second list item', () => {
    expect(
      batch('SubmitJob', {
        ...SUBMIT,
        containerOverrides: {resourceRequirements: [{type: 'VCPU', value: '1'}, {type: 'MEMORY'}]},
      }),
    ).toEqual(
      client(
        "1 validation error detected: Value null at 'containerOverrides.resourceRequirements.2.member.value' " +
          'failed to satisfy constraint: Member must not be null',
      ),
    )
  })

  test('a list given as a string', () => {
    expect(batch('DescribeJobs', {jobs: 'abc'})).toEqual(client(`Value at 'jobs' must be a list, not string "abc"`))
  })

  test('a null list item', () => {
    expect(batch('DescribeJobs', {jobs: ['a', null]})).toEqual(
      client(
        "1 validation error detected: Value null at 'jobs.2.member' failed to satisfy constraint: Member must not be null",
      ),
    )
  })

  test('a tag value longer than 256 characters', () => {
    expect(batch('SubmitJob', {...SUBMIT, tags: {k: 'v'.repeat(257)}})).toEqual(
      client(
        `1 validation error detected: Value '{k=${'v'.repeat(257)}}' at 'tags' failed to satisfy constraint: ` +
          'Map value must satisfy constraint: [Member must have length less than or equal to 256]',
      ),
    )
  })

  test('an empty tag key', () => {
    expect(batch('SubmitJob', {...SUBMIT, tags: {'': 'v'}})).toEqual(
      client(
        "1 validation error detected: Value '{=v}' at 'tags' failed to satisfy constraint: " +
          'Map keys must satisfy constraint: [Member must have length greater than or equal to 1]',
      ),
    )
  })

  test('a tag map with no entries is shorter than the model allows', () => {
    expect(batch('SubmitJob', {...SUBMIT, tags: {}})).toEqual(
      client(
        "1 validation error detected: Value '{}' at 'tags' failed to satisfy constraint: " +
          'Member must have length greater than or equal to 1',
      ),
    )
  })

  test('a job status outside the enum', () => {
    expect(batch('ListJobs', {jobQueue: 'local', jobStatus: 'DONE'})).toEqual(
      client(
        "1 validation error detected: Value 'DONE' at 'jobStatus' failed to satisfy constraint: " +
          'Member must satisfy enum value set: [SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED, FAILED]',
      ),
    )
  })

  test('a body that is not an object', () => {
    expect(batch('SubmitJob', ['x'])).toEqual(client('The request body must be a JSON object'))
  })
})

describe('CloudWatch Logs requests (InvalidParameterException, SerializationException)', () => {
  test('a valid PutLogEvents', () => {
    expect(
      logs('PutLogEvents', {logEvents: [{message: 'm', timestamp: 1}], logGroupName: 'g', logStreamName: 's'}),
    ).toBeUndefined()
  })

  test('a group name outside the pattern', () => {
    expect(logs('CreateLogGroup', {logGroupName: 'a b'})).toEqual(
      invalidParameter(
        "1 validation error detected: Value 'a b' at 'logGroupName' failed to satisfy constraint: " +
          String.raw`Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`,
      ),
    )
  })

  test('an empty group name breaks both its length and its pattern', () => {
    expect(logs('CreateLogGroup', {logGroupName: ''})).toEqual(
      invalidParameter(
        '2 validation errors detected: ' +
          "Value '' at 'logGroupName' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
          "Value '' at 'logGroupName' failed to satisfy constraint: " +
          String.raw`Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`,
      ),
    )
  })

  test('a stream name with a colon', () => {
    expect(logs('CreateLogStream', {logGroupName: 'g', logStreamName: 'a:b'})).toEqual(
      invalidParameter(
        "1 validation error detected: Value 'a:b' at 'logStreamName' failed to satisfy constraint: " +
          'Member must satisfy regular expression pattern: [^:*]*',
      ),
    )
  })

  test('a GetLogEvents limit above 10,000', () => {
    expect(logs('GetLogEvents', {limit: 20_000, logStreamName: 's'})).toEqual(
      invalidParameter(
        "1 validation error detected: Value '20000' at 'limit' failed to satisfy constraint: " +
          'Member must have value less than or equal to 10000',
      ),
    )
  })

  test('a limit of 0', () => {
    expect(logs('GetLogEvents', {limit: 0, logStreamName: 's'})).toEqual(
      invalidParameter(
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: " +
          'Member must have value greater than or equal to 1',
      ),
    )
  })

  test('an event without a timestamp, worded as AWS words it', () => {
    expect(logs('PutLogEvents', {logEvents: [{message: 'm'}], logGroupName: 'g', logStreamName: 's'})).toEqual(
      invalidParameter(
        "1 validation error detected: Value null at 'logEvents.1.member.timestamp' failed to satisfy constraint: " +
          'Member must not be null',
      ),
    )
  })

  test('no events at all', () => {
    expect(logs('PutLogEvents', {logEvents: [], logGroupName: 'g', logStreamName: 's'})).toEqual(
      invalidParameter(
        "1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: " +
          'Member must have length greater than or equal to 1',
      ),
    )
  })

  test('more than 100 stream names', () => {
    const names = Array.from({length: 101}, (_, i) => `s${i}`)
    expect(logs('FilterLogEvents', {logGroupName: 'g', logStreamNames: names})?.message).toBe(
      `1 validation error detected: Value '[${names.join(', ')}]' at 'logStreamNames' failed to satisfy constraint: ` +
        'Member must have length less than or equal to 100',
    )
  })

  test('an orderBy outside the enum', () => {
    expect(logs('DescribeLogStreams', {logGroupName: 'g', orderBy: 'Name'})).toEqual(
      invalidParameter(
        "1 validation error detected: Value 'Name' at 'orderBy' failed to satisfy constraint: " +
          'Member must satisfy enum value set: [LogStreamName, LastEventTime]',
      ),
    )
  })

  test('a tag key outside the Unicode pattern', () => {
    expect(logs('CreateLogGroup', {logGroupName: 'g', tags: {'a*b': 'v'}})).toEqual(
      invalidParameter(
        "1 validation error detected: Value '{a*b=v}' at 'tags' failed to satisfy constraint: Map keys must satisfy " +
          String.raw`constraint: [Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$]`,
      ),
    )
  })

  test('a number given as a string is unreadable: SerializationException', () => {
    expect(logs('GetLogEvents', {limit: '10', logStreamName: 's'})).toEqual(
      serialization(`Value at 'limit' must be an integer, not string "10"`),
    )
  })

  test('an unknown member is unreadable: SerializationException', () => {
    expect(logs('CreateLogGroup', {logGroupName: 'g', retention: 7})).toEqual(
      serialization("Unknown member 'retention'"),
    )
  })

  test('the body problem is reported before constraint problems', () => {
    expect(logs('GetLogEvents', {limit: 0, logStreamName: 5})).toEqual(
      serialization("Value at 'logStreamName' must be a string, not number 5"),
    )
  })
})
