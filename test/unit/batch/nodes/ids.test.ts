import {parseJobId} from '../../../../src/batch/jobs/ids'

const ID = '0f3c2a7e-8f3b-4b7a-9a51-3d1e2f4a5b6c'

describe('node ids JOB#N', () => {
  test.each([
    [`${ID}#0`, `${ID}#0`],
    [`${ID}#999`, `${ID}#999`],
    [`arn:aws:batch:us-east-1:123456789012:job/${ID}#2`, `${ID}#2`],
  ])('%j -> %s', (value, id) => {
    expect(parseJobId(value)).toBe(id)
  })

  test.each([`${ID}#`, `${ID}#1000`, `${ID}#-1`, `${ID}:1#2`])('rejects %j', (value) => {
    expect(() => parseJobId(value)).toThrow(/is not allowed; use a job id/)
  })
})
