/**
 * SigV4 for the benchmarks' raw requests, signed the way the JS SDK signs (host, x-amz-content-sha256 and
 * x-amz-date, the payload hash declared): the emulator accepts only its own credentials.
 */
const {createHash, createHmac} = require('node:crypto')
const {readFileSync} = require('node:fs')
const {join} = require('node:path')

const sha256 = (data) => createHash('sha256').update(data).digest('hex')
const hmac = (key, data) => createHmac('sha256', key).update(data).digest()

/** The credentials an emulator wrote to its state dir at its first start. */
function readCredentials(stateDir) {
  const {accessKeyId, secretAccessKey} = JSON.parse(readFileSync(join(stateDir, 'credentials'), 'utf8'))
  return {accessKeyId, secretAccessKey}
}

/** Headers that sign a request with no query string to `url` (a URL object) for `service`. */
function sign(credentials, url, {method, payload, service}) {
  const amzDate = new Date()
    .toISOString()
    .replaceAll(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
  const date = amzDate.slice(0, 8)
  const hash = sha256(payload)
  const headers = {host: url.host, 'x-amz-content-sha256': hash, 'x-amz-date': amzDate}
  const signed = 'host;x-amz-content-sha256;x-amz-date'
  const canonical = [
    method,
    url.pathname,
    '',
    `host:${url.host}`,
    `x-amz-content-sha256:${hash}`,
    `x-amz-date:${amzDate}`,
    '',
    signed,
    hash,
  ].join('\n')
  const scope = `${date}/us-east-1/${service}/aws4_request`
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n')
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date), 'us-east-1'), service), 'aws4_request')
  const signature = hmac(key, toSign).toString('hex')
  const authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${signature}`
  return {...headers, authorization}
}

module.exports = {readCredentials, sign}
