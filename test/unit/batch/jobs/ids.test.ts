import {parseJobId, parseJobIds} from '../../../../src/batch/jobs/ids'
import {InputError} from '../../../../src/errors'

const ID = '0f3c2a7e-8f3b-4b7a-9a51-3d1e2f4a5b6c'

describe('parseJobId', () => {
  test.each([
    [ID, ID],
    [`${ID}:7`, `${ID}:7`],
    [ID.toUpperCase(), ID],
    [`  ${ID}\n`, ID],
    [`arn:aws:batch:us-east-1:123456789012:job/${ID}`, ID],
    [`arn:aws-cn:batch:cn-north-1:123456789012:job/${ID}:3`, `${ID}:3`],
  ])('%j -> %s', (value, id) => {
    expect(parseJobId(value)).toBe(id)
  })

  test.each([
    'abc',
    `${ID}:`,
    `${ID}:12345`,
    `${ID}x`,
    `arn:aws:batch:us-east-1:123456789012:job-queue/${ID}`,
    `arn:aws:s3:::bucket/${ID}`,
    '',
  ])('rejects %j with one line naming the value', (value) => {
    expect(() => parseJobId(value)).toThrow(
      new InputError(
        `job id: ${JSON.stringify(value)} is not allowed; use a job id (a UUID, or UUID:N for an array child) or a job ARN`,
      ),
    )
  })
})

describe('last with a child or node', () => {
  const OTHER = '11111111-2222-3333-4444-555555555555'
  const recent = (index: number) => [ID, OTHER, `${ID}:4`][index]
  test.each([
    ['last', ID],
    ['last:0', `${ID}:0`],
    ['last:2', `${ID}:2`],
    ['last~1:9999', `${OTHER}:9999`],
    ['last#3', `${ID}#3`],
    ['LAST~1#0', `${OTHER}#0`],
  ])('%j -> %s', (value, id) => {
    expect(parseJobId(value, 'JOB', recent)).toBe(id)
  })

  test('a child of a remembered child is refused, naming both', () => {
    expect(() => parseJobId('last~2:1', 'JOB', recent)).toThrow(
      new InputError(`JOB: "last~2:1" is not allowed; last~2 is ${ID}:4, one job of its own; give last~2 alone`),
    )
  })

  test('a malformed suffix is no reference', () => {
    expect(() => parseJobId('last:x', 'JOB', recent)).toThrow(InputError)
    expect(() => parseJobId('last:12345', 'JOB', recent)).toThrow(InputError)
  })
})

describe('parseJobIds', () => {
  test('removes duplicates across spellings, keeping first-seen order', () => {
    const other = '11111111-2222-3333-4444-555555555555'
    expect(parseJobIds([ID, other, `arn:aws:batch:us-east-1:1:job/${ID}`, ID.toUpperCase()])).toEqual([ID, other])
  })

  test('the first malformed value fails the whole list', () => {
    expect(() => parseJobIds([ID, 'nope', 'bad'])).toThrow('job id: "nope" is not allowed')
  })
})
