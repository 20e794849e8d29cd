/**
 * The emulator runs commands for its owner only. Each attack on the built `mfbatch emulator` (a free port, a
 * temporary state dir): unsigned, forged, wrong-secret, expired and signature-less presigned SubmitJob calls are
 * refused and their job never runs (its marker file never appears, while a signed job's does); a correctly signed
 * request with a foreign Host or any Origin is refused; the state dir and its files are private, and an unsafe one
 * is refused; a job's credentials endpoint answers its token only while the job runs; a server squatting on the
 * `--local` port gets nothing but the health challenge.
 */
import {spawnSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import {createServer, type IncomingHttpHeaders, request} from 'node:http'
import {type AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {signedHeaders} from '../helpers/sign'

interface Reply {
  body: string
  errorType?: string
  status: number
}

function send(
  url: string,
  path: string,
  headers: Record<string, string>,
  {body = '', method = 'POST'}: {body?: string; method?: string} = {},
): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = request(`${url}${path}`, {agent: false, headers, method}, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk
      })
      res.on('end', () =>
        done({
          body: text,
          errorType: res.headers['x-amzn-errortype'] as string | undefined,
          status: res.statusCode ?? 0,
        }),
      )
    })
    req.on('error', fail)
    req.end(body)
  })
}

const JSON_TYPE = {'content-type': 'application/json'}
// eslint-disable-next-line no-bitwise -- permission bits
const mode = (file: string) => (statSync(file).mode & 0o777).toString(8)
const asNobody = (...args: string[]) =>
  spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', ...args], {encoding: 'utf8'})

/** Waits (on the file system, polled) until `file` exists; false after `timeoutMs`. */
async function appears(file: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (existsSync(file)) return true
    // eslint-disable-next-line no-await-in-loop -- a poll on a condition
    await new Promise((resolve) => {
      setTimeout(resolve, 50)
    })
  }

  return existsSync(file)
}

describe('the emulator refuses whoever is not its owner', () => {
  let emulator: TestEmulator
  let work: string
  let definition: string

  const signed = (path: string, body: string, {date, secret, url}: {date?: Date; secret?: string; url?: string} = {}) =>
    signedHeaders(
      {...emulator.credentials, ...(secret ? {secretAccessKey: secret} : {})},
      url ?? emulator.url,
      {body, headers: JSON_TYPE, method: 'POST', path},
      date,
    )
  const submitBody = (name: string) => JSON.stringify({jobDefinition: definition, jobName: name, jobQueue: 'local'})

  beforeAll(async () => {
    emulator = await startEmulator()
    work = mkdtempSync(join(tmpdir(), 'mfbatch-sec-'))
    const register = JSON.stringify({
      containerProperties: {
        command: ['sh', '-c', `touch ${work}/$MARKER`],
        image: 'busybox',
        resourceRequirements: [
          {type: 'VCPU', value: '1'},
          {type: 'MEMORY', value: '64'},
        ],
      },
      jobDefinitionName: 'marker',
      type: 'container',
    })
    const reply = await send(
      emulator.url,
      '/v1/registerjobdefinition',
      await signed('/v1/registerjobdefinition', register),
      {body: register},
    )
    expect(reply.status).toBe(200)
    definition = (JSON.parse(reply.body) as {jobDefinitionArn: string}).jobDefinitionArn
  })

  afterAll(async () => {
    await emulator?.stop()
    if (emulator) removeStateDir(emulator.stateDir)
    if (work) removeStateDir(work)
  })

  const withMarker = (name: string) =>
    JSON.stringify({
      ...JSON.parse(submitBody(name)),
      containerOverrides: {environment: [{name: 'MARKER', value: name}]},
    })

  test('unsigned, forged, wrong-secret, expired and presigned-without-signature submits are refused; no job runs', async () => {
    const path = '/v1/submitjob'
    const attacks: Array<[string, () => Promise<Record<string, string>>, string, number, string]> = [
      ['unsigned', async () => JSON_TYPE, '', 403, 'MissingAuthenticationTokenException'],
      [
        'forged',
        async () => ({...JSON_TYPE, authorization: 'AWS4-HMAC-SHA256 Credential=x, Signature=0'}),
        '',
        403,
        'IncompleteSignatureException',
      ],
      [
        'wrong-secret',
        () => signed(path, withMarker('wrong-secret'), {secret: 'not the secret'}),
        '',
        403,
        'InvalidSignatureException',
      ],
      [
        'expired',
        () => signed(path, withMarker('expired'), {date: new Date(Date.now() - 20 * 60 * 1000)}),
        '',
        403,
        'InvalidSignatureException',
      ],
      [
        'presigned',
        async () => JSON_TYPE,
        `?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${emulator.credentials.accessKeyId}%2F20260101%2Fus-east-1%2Fbatch%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host`,
        403,
        'IncompleteSignatureException',
      ],
    ]
    const seen: Array<[string, number, string | undefined]> = []
    for (const [name, headers, query] of attacks) {
      // eslint-disable-next-line no-await-in-loop -- one attack at a time
      const reply = await send(emulator.url, `${path}${query}`, await headers(), {body: withMarker(name)})
      seen.push([name, reply.status, reply.errorType])
    }

    expect(seen).toEqual(attacks.map((attack) => [attack[0], attack[3], attack[4]]))
    // A signed submit of the same job runs; once its marker is there, the refused ones would have been too.
    const good = await send(emulator.url, path, await signed(path, withMarker('signed')), {
      body: withMarker('signed'),
    })
    expect(good.status).toBe(200)
    expect(await appears(join(work, 'signed'), 30_000)).toBe(true)
    await new Promise((resolve) => {
      setTimeout(resolve, 300)
    })
    expect(readdirSync(work)).toEqual(['signed'])
    expect(await emulator.stats()).toEqual({'batch:RegisterJobDefinition': 1, 'batch:SubmitJob': 1})
  })

  test('a correctly signed request with a foreign Host or any Origin is refused with 403', async () => {
    const path = '/v1/describejobqueues'
    const foreign = `http://evil.example:${emulator.port}`
    const rebound = await send(emulator.url, path, await signed(path, '{}', {url: foreign}), {
      body: '{}',
    })
    expect([rebound.status, rebound.errorType]).toEqual([403, 'AccessDeniedException'])
    const origin = {...(await signed(path, '{}')), origin: 'http://evil.example'}
    const fromPage = await send(emulator.url, path, origin, {body: '{}'})
    expect([fromPage.status, fromPage.errorType]).toEqual([403, 'AccessDeniedException'])
    const reset = await send(emulator.url, '/__emulator/reset', {
      'content-type': 'text/plain',
      origin: 'http://evil.example',
    })
    expect(reset.status).toBe(403)
    const unsignedReset = await send(emulator.url, '/__emulator/reset', {'content-type': 'text/plain'})
    expect(unsignedReset.status).toBe(403)
    const ok = await send(emulator.url, path, await signed(path, '{}'), {body: '{}'})
    expect(ok.status).toBe(200)
  })

  test('a job fetches its credentials with its token while it runs; once it has ended the token fetches nothing', async () => {
    const fetchOwn =
      'node -e "fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, ' +
      '{headers: {authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN}}).then((r) => console.log(r.status))"'
    const script = `${fetchOwn}; echo "$AWS_CONTAINER_CREDENTIALS_FULL_URI"; echo "$AWS_CONTAINER_AUTHORIZATION_TOKEN"`
    const submitted = await runCli(['submit', '--queue', 'local', '--wait', '--quiet', '--', 'sh', '-c', script], {
      env: emulator.env,
      timeoutMs: 60_000,
    })
    expect(submitted.code).toBe(0)
    const logs = await runCli(['logs', submitted.stdout.trim()], {env: emulator.env})
    const [during, endpoint, token] = logs.stdout.trim().split('\n')
    expect(during).toBe('200')
    const {origin, pathname} = new URL(endpoint)
    const after = await send(origin, pathname, {authorization: token}, {method: 'GET'})
    expect(after.status).toBe(403)
    expect(after.body).toContain('is not running')
  })

  test('the state dir is 0700 and its files 0600', () => {
    expect(mode(emulator.stateDir)).toBe('700')
    expect(mode(join(emulator.stateDir, 'credentials'))).toBe('600')
    for (const name of readdirSync(join(emulator.stateDir, 'batch'))) {
      expect([name, mode(join(emulator.stateDir, 'batch', name))]).toEqual([name, '600'])
    }
  })

  const root = process.getuid?.() === 0
  ;(root ? test : test.skip)('another user (nobody) cannot read the state dir [runs as root only]', () => {
    const check = asNobody('true')
    expect(check.status).toBe(0)
    expect(asNobody('cat', join(emulator.stateDir, 'credentials')).status).not.toBe(0)
    expect(asNobody('ls', emulator.stateDir).status).not.toBe(0)
  })
})

describe('unsafe places and impostors', () => {
  test('a group-writable state dir is refused with one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfbatch-open-'))
    try {
      chmodSync(dir, 0o777)
      const result = await runCli(['emulator', '--port', '0', '--state-dir', dir])
      expect(result.code).toBe(1)
      expect(result.stderr.trim().split('\n')[0]).toContain(
        `state dir ${dir} is writable by group or others (mode 777)`,
      )
    } finally {
      removeStateDir(dir)
    }
  })

  test('a server squatting on the --local port gets the health challenge and nothing else', async () => {
    const seen: Array<{headers: IncomingHttpHeaders; url: string}> = []
    const squatter = createServer((req, res) => {
      seen.push({headers: req.headers, url: req.url ?? ''})
      res.writeHead(200, {'content-type': 'application/json'})
      res.end('{"status":"ok","proof":"0000"}')
    })
    await new Promise<void>((resolve) => {
      squatter.listen(0, '127.0.0.1', resolve)
    })
    const {port} = squatter.address() as AddressInfo
    const data = mkdtempSync(join(tmpdir(), 'mfbatch-xdg-'))
    mkdirSync(join(data, 'mfbatch', 'emulator'), {mode: 0o700, recursive: true})
    writeFileSync(join(data, 'mfbatch', 'emulator', 'credentials'), '{"accessKeyId":"AKIAX","secretAccessKey":"s"}', {
      mode: 0o600,
    })
    try {
      const result = await runCli(['submit', '--local', '--queue', 'local', '--', 'echo', 'secret'], {
        env: {AWS_PROFILE: 'prod', MFBATCH_EMULATOR_PORT: String(port), XDG_DATA_HOME: data},
      })
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(
        `127.0.0.1:${port} answers, but it is not the emulator of ${join(data, 'mfbatch', 'emulator')}; nothing was sent to it.`,
      )
      expect(seen.every(({url}) => url.startsWith('/__emulator/health'))).toBe(true)
      expect(
        seen.some(({url}) =>
          new RegExp(String.raw`^/__emulator/health\?challenge=[\da-f]{64}&dialled=127.0.0.1%3A${port}$`).test(url),
        ),
      ).toBe(true)
      expect(seen.filter(({headers}) => headers.authorization !== undefined)).toEqual([])
    } finally {
      squatter.close()
      removeStateDir(data)
    }
  })
})
