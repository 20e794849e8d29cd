/**
 * B7 the emulator's S3 with a large body: one PUT of 1 GiB (UNSIGNED-PAYLOAD, streamed from a generator, never
 * held), then a GET of it read back and hashed, and a ranged GET of its last MiB; the emulator's peak RSS over all
 * of it (VmHWM of its process). Bodies go to disk as they arrive and come back from disk, so the peak should stay
 * near the idle emulator's, whatever the object's size (target < 200 MB).
 */
const {createHash, createHmac} = require('node:crypto')
const {readFileSync} = require('node:fs')
const http = require('node:http')

const {startEmulator} = require('./lib/emulator')
const {mb, ms} = require('./lib/format')
const {readCredentials} = require('./lib/sign')
const {median} = require('./lib/stats')

const MIB = 1024 * 1024

const highWaterKb = (pid) => Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1])
const residentKb = (pid) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1])

/** Sixteen MiB of varied bytes, made once: the body cycles through them (made fresh, they would be what is timed). */
const BLOCKS = Array.from({length: 16}, (_, n) => {
  const out = Buffer.alloc(MIB)
  for (let i = 0; i < MIB; i += 32) createHash('sha256').update(`${n}:${i}`).digest().copy(out, i)
  return out
})
const block = (n) => BLOCKS[n % BLOCKS.length]

const sha256 = (data) => createHash('sha256').update(data).digest('hex')
const hmac = (key, data) => createHmac('sha256', key).update(data).digest()

/** SigV4 headers for S3 with an UNSIGNED-PAYLOAD body (the body is streamed, not hashed first). */
function signS3(credentials, url, method) {
  const amzDate = new Date()
    .toISOString()
    .replaceAll(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
  const date = amzDate.slice(0, 8)
  const hash = 'UNSIGNED-PAYLOAD'
  const signed = 'host;x-amz-content-sha256;x-amz-date'
  const lines = [`host:${url.host}`, `x-amz-content-sha256:${hash}`, `x-amz-date:${amzDate}`, '']
  const canonical = [method, url.pathname, '', ...lines, signed, hash].join('\n')
  const scope = `${date}/us-east-1/s3/aws4_request`
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date), 'us-east-1'), 's3'), 'aws4_request')
  const signature = hmac(key, ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n')).toString('hex')
  const authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${signature}`
  return {authorization, host: url.host, 'x-amz-content-sha256': hash, 'x-amz-date': amzDate}
}

function s3(emu, method, path, {body, headers = {}, mebibytes = 0} = {}) {
  const url = new URL(path, emu.url)
  const credentials = readCredentials(emu.stateDir)
  const signed = signS3(credentials, url, method)
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const req = http.request(url, {headers: {...signed, ...headers}, method}, (res) => {
      const hash = createHash('sha256')
      let size = 0
      res.on('data', (chunk) => {
        hash.update(chunk)
        size += chunk.length
      })
      res.on('end', () => {
        const elapsed = Number(process.hrtime.bigint() - started) / 1e6
        if (res.statusCode >= 300) reject(new Error(`${method} ${path}: ${res.statusCode}`))
        else resolve({ms: elapsed, sha256: hash.digest('hex'), size, status: res.statusCode})
      })
    })
    req.on('error', reject)
    if (body === undefined) {
      req.end()
      return
    }

    // Written as the socket drains: the bench holds one MiB at a time, as a client streaming a file would.
    let n = 0
    const next = () => {
      while (n < mebibytes) {
        const ok = req.write(block(n++))
        if (!ok) {
          req.once('drain', next)
          return
        }
      }

      req.end()
    }

    next()
  })
}

module.exports = {
  defaultRuns: 1,
  id: 'B7',
  async run({log, quick, raw, runs}) {
    const mebibytes = quick ? 64 : 1024
    const expected = createHash('sha256')
    for (let n = 0; n < mebibytes; n++) expected.update(block(n))
    const expectedSha256 = expected.digest('hex')
    const samples = []
    for (let i = 0; i < runs; i++) {
      // eslint-disable-next-line no-await-in-loop -- one emulator per run, one after the other
      const emu = await startEmulator()
      try {
        const idleKb = residentKb(emu.pid)
        const length = {'content-length': String(mebibytes * MIB)}
        // eslint-disable-next-line no-await-in-loop
        await s3(emu, 'PUT', '/bench-s3')
        // eslint-disable-next-line no-await-in-loop
        const put = await s3(emu, 'PUT', '/bench-s3/big.bin', {body: true, headers: length, mebibytes})
        // eslint-disable-next-line no-await-in-loop
        const get = await s3(emu, 'GET', '/bench-s3/big.bin')
        // eslint-disable-next-line no-await-in-loop
        const tail = await s3(emu, 'GET', '/bench-s3/big.bin', {headers: {range: `bytes=-${MIB}`}})
        const peakKb = highWaterKb(emu.pid)
        const sample = {get: get.ms, idleKb, peakKb, put: put.ms, range: tail.ms, same: get.sha256 === expectedSha256}
        if (!sample.same || tail.size !== MIB || tail.status !== 206) throw new Error('the object came back changed')
        log(`  run ${i + 1}: PUT ${ms(put.ms)}, GET ${ms(get.ms)}, range ${ms(tail.ms)}, peak RSS ${mb(peakKb)}`)
        samples.push(sample)
      } finally {
        // eslint-disable-next-line no-await-in-loop
        await emu.remove()
      }
    }

    raw(samples)
    const size = `${mebibytes === 1024 ? '1 GiB' : `${mebibytes} MiB`}`
    const peak = Math.max(...samples.map((s) => s.peakKb))
    const put = median(samples.map((s) => s.put))
    const rate = (msValue) => `${((mebibytes / msValue) * 1000).toFixed(0)} MiB/s`
    return [
      {
        baseline: `idle emulator ${mb(Math.max(...samples.map((s) => s.idleKb)))}`,
        met: peak < 200 * 1024,
        mfbatch: `${mb(peak)}`,
        ratio: '-',
        target: '< 200 MB',
        what: `emulator peak RSS over a ${size} single PUT, its GET and a ranged GET`,
      },
      {
        baseline: '-',
        mfbatch: `PUT ${ms(put)} (${rate(put)}), GET ${ms(median(samples.map((s) => s.get)))}, last MiB ${ms(median(samples.map((s) => s.range)))}`,
        ratio: '-',
        target: '-',
        what: `${size} single PUT (UNSIGNED-PAYLOAD) and GET, body checked`,
      },
    ]
  },
  title: 'S3: a large single PUT, its peak RSS',
}
