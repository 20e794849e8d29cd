/**
 * SigV2 presigned URLs against URLs botocore made (`signature_version='s3'`, the clock fixed at NOW): they verify
 * as made; a sub-resource added to one (`&uploads=` on a presigned POST, which started a multipart upload) or any
 * change to a signed sub-resource does not; nor does an `Expires` more than seven days ahead.
 */
import {EmulatorKeys} from '../../../../src/emulator/auth/keys'
import {checkSigV2Presign} from '../../../../src/emulator/auth/sigv2-presign'

const keys = new EmulatorKeys({
  accessKeyId: 'AKIAEMULATORTEST0001',
  secretAccessKey: 'c2VjcmV0IHNlY3JldCBzZWNyZXQgc2VjcmV0',
})
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5)
const AUTH = 'AWSAccessKeyId=AKIAEMULATORTEST0001'
/** generate_presigned_url('put_object', Params={'Bucket': 'b', 'Key': 'dir/k ü.txt'}, ExpiresIn=3600, HttpMethod='POST') */
const POST = `/b/dir/k%20%C3%BC.txt?${AUTH}&Signature=l7nJFYVADwxa4pGhedldpivcVeI%3D&Expires=1767326645`
/** generate_presigned_url('get_object', Params={..., 'ResponseContentType': 'text/plain'}, ExpiresIn=600) */
const GET = `/b/k?response-content-type=text%2Fplain&${AUTH}&Signature=E5o2uiGwYVTTAiNQJtI9lSBqoqo%3D&Expires=1767323645`
/** generate_presigned_url('upload_part', Params={..., 'UploadId': 'abc', 'PartNumber': 3}, ExpiresIn=600) */
const PART = `/b/k?uploadId=abc&partNumber=3&${AUTH}&Signature=0vTjUIul2rA5isxcLEW44uzQ0LA%3D&Expires=1767323645`
/** generate_presigned_url('put_object', Params={'Bucket': 'b', 'Key': 'k', 'ContentType': 'text/plain'}, ExpiresIn=600) */
const TYPED = `/b/k?${AUTH}&Signature=xFJXloMTLS6VyRi3KN3TzTnhNjk%3D&content-type=text%2Fplain&Expires=1767323645`
/** generate_presigned_url('get_object', Params={'Bucket': 'b', 'Key': 'k'}, ExpiresIn=8 * 86400) */
const EIGHT_DAYS = `/b/k?${AUTH}&Signature=sGwMA8kGSka7nJlrIeRyBwcUy6M%3D&Expires=1768014245`

const check = (method: string, target: string, headers: Record<string, string> = {}) =>
  checkSigV2Presign({headers, method, target}, keys, NOW)?.refusal ?? 'ok'

describe('SigV2 presigned URLs', () => {
  test("botocore's URLs verify as made, sub-resources and response overrides included", () => {
    expect([check('POST', POST), check('GET', GET), check('PUT', PART)]).toEqual(['ok', 'ok', 'ok'])
  })

  test('Content-Type is signed: the request must send the one the URL was made for', () => {
    expect(check('PUT', TYPED, {'content-type': 'text/plain'})).toBe('ok')
    expect(check('PUT', TYPED, {'content-type': 'text/html'})).toBe('bad-signature')
    expect(check('PUT', TYPED)).toBe('bad-signature')
  })

  test('an added sub-resource breaks the signature', () => {
    expect(check('POST', `${POST}&uploads=`)).toBe('bad-signature')
    expect(check('POST', `${POST}&uploads`)).toBe('bad-signature')
    expect(check('POST', POST.replace('?', '?uploads&'))).toBe('bad-signature')
    expect(check('POST', `${POST}&delete=`)).toBe('bad-signature')
    expect(check('GET', `${GET}&acl`)).toBe('bad-signature')
    expect(check('GET', `${GET}&versionId=null`)).toBe('bad-signature')
  })

  test('a changed sub-resource or override breaks it too', () => {
    expect(check('PUT', PART.replace('partNumber=3', 'partNumber=4'))).toBe('bad-signature')
    expect(check('PUT', PART.replace('uploadId=abc', 'uploadId=abd'))).toBe('bad-signature')
    expect(check('GET', GET.replace('text%2Fplain', 'text%2Fhtml'))).toBe('bad-signature')
    expect(check('PUT', POST)).toBe('bad-signature')
  })

  test('Expires more than seven days ahead is refused, however well signed', () => {
    expect(checkSigV2Presign({headers: {}, method: 'GET', target: EIGHT_DAYS}, keys, NOW)).toEqual({
      message: 'Expires is more than 604800 seconds (seven days) ahead, the longest a presigned URL may be valid',
      refusal: 'incomplete',
    })
    expect(check('GET', EIGHT_DAYS.replace('1768014245', '99999999999'))).toBe('incomplete')
    // The same URL, checked a day and more later, is within the limit (and still well signed).
    expect(
      checkSigV2Presign({headers: {}, method: 'GET', target: EIGHT_DAYS}, keys, NOW + 1.5 * 86_400_000),
    ).toBeUndefined()
    expect(checkSigV2Presign({headers: {}, method: 'GET', target: GET}, keys, NOW + 601_000)?.refusal).toBe(
      'expired-token',
    )
  })
})
