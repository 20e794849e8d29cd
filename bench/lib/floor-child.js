/**
 * B2's floor in a process of its own: `node bench/lib/floor-child.js URL STATE_DIR GROUP STREAM LINES` reads the
 * stream's pages as the in-process floor does (log-floor.js), with a bare keep-alive HTTP client and nothing else
 * loaded, and exits 1 if it did not read LINES events. Timed from outside, it is what any Node program that reads
 * those pages pays at least: Node's own start, then the floor, in a process that starts cold.
 */
const http = require('node:http')

const {readPages} = require('./log-floor')
const {readCredentials, sign} = require('./sign')

const [url, stateDir, group, stream, lines] = process.argv.slice(2)
const agent = new http.Agent({keepAlive: true})
const credentials = readCredentials(stateDir)
const endpoint = new URL('/', url)

function getLogEvents(input) {
  const payload = JSON.stringify(input)
  return new Promise((resolve, reject) => {
    const req = http.request(
      endpoint,
      {
        agent,
        headers: {
          ...sign(credentials, endpoint, {method: 'POST', payload, service: 'logs'}),
          'content-length': Buffer.byteLength(payload),
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'Logs_20140328.GetLogEvents',
        },
        method: 'POST',
      },
      (res) => {
        const chunks = []
        res.on('data', (chunk) => chunks.push(chunk))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          if (res.statusCode === 200) resolve(JSON.parse(text))
          else reject(new Error(`GetLogEvents ${res.statusCode}: ${text.slice(0, 500)}`))
        })
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

// eslint-disable-next-line unicorn/prefer-top-level-await -- CommonJS: no top-level await
readPages(getLogEvents, group, stream).then(
  ({events}) => {
    agent.destroy()
    if (events !== Number(lines)) {
      process.stderr.write(`the floor read ${events} events, not ${lines}\n`)
      process.exitCode = 1
    }
  },
  (error) => {
    agent.destroy()
    process.stderr.write(`${error.stack}\n`)
    process.exitCode = 1
  },
)
