/** The key ids the stats endpoint reports: read from every way a request can claim one, counted, bounded. */
import {claimedKeyId} from '../../../../src/emulator/http/auth'
import {Stats} from '../../../../src/emulator/stats'

const wire = (target: string, authorization?: string) => ({
  headers: authorization === undefined ? {} : {authorization},
  method: 'GET',
  target,
})

describe('claimedKeyId', () => {
  test.each([
    [
      'Authorization header',
      wire(
        '/v1/describejobs',
        'AWS4-HMAC-SHA256 Credential=AKIAHEADER/20261206/us-east-1/batch/aws4_request, SignedHeaders=host, Signature=ab',
      ),
      'AKIAHEADER',
    ],
    [
      'a header with a bad scope still names its key',
      wire('/', 'AWS4-HMAC-SHA256 Credential=AKIABADSCOPE/x/, Signature=ab'),
      'AKIABADSCOPE',
    ],
    [
      'presigned SigV4',
      wire('/b/k?X-Amz-Credential=AKIAQUERY%2F20261206%2Fus-east-1%2Fs3%2Faws4_request'),
      'AKIAQUERY',
    ],
    ['presigned SigV2', wire('/b/k?AWSAccessKeyId=AKIAV2&Expires=1&Signature=x'), 'AKIAV2'],
    ['unsigned', wire('/v1/describejobs'), undefined],
    ['an empty key', wire('/b/k?AWSAccessKeyId='), undefined],
  ])('%s', (_name, request, expected) => {
    expect(claimedKeyId(request)).toBe(expected)
  })
})

describe('Stats key ids', () => {
  test('counted per id, sorted, cleared by reset', () => {
    const stats = new Stats()
    for (const id of ['B', 'A', 'B']) stats.keyId(id)
    expect(stats.keyIdSnapshot()).toEqual({A: 1, B: 2})
    expect(Object.keys(stats.keyIdSnapshot())).toEqual(['A', 'B'])
    stats.reset()
    expect(stats.keyIdSnapshot()).toEqual({})
  })

  test('a flood of made-up ids is bounded; ids already seen are still counted', () => {
    const stats = new Stats()
    stats.keyId('KNOWN')
    for (let i = 0; i < 2000; i++) stats.keyId(`ID${i}`)
    stats.keyId('KNOWN')
    const snapshot = stats.keyIdSnapshot()
    expect(Object.keys(snapshot)).toHaveLength(1001)
    expect([snapshot.KNOWN, snapshot['(others)']]).toEqual([2, 1001])
  })
})
