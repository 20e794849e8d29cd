import {createServer, type Server} from 'node:http'
import {type AddressInfo} from 'node:net'

import {healthProof} from '../../../../src/emulator/auth/keys'
import {dialledAddress, proveServer} from '../../../../src/emulator/auth/prove-server'

const SECRET = 'the-secret'

/** A health endpoint answering as `answer` says, given the challenge and the address the client says it dialled. */
async function serve(answer: (challenge: string, dialled: string, own: string) => unknown): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const own = `127.0.0.1:${(server.address() as AddressInfo).port}`
    res.writeHead(200, {'content-type': 'application/json'})
    res.end(JSON.stringify(answer(url.searchParams.get('challenge') ?? '', url.searchParams.get('dialled') ?? '', own)))
  })
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve)
  })
  return server
}

const endpointOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`

describe('proveServer', () => {
  let server: Server | undefined

  afterEach(async () => {
    const open = server
    if (open) {
      await new Promise((resolve) => {
        open.close(resolve)
      })
    }

    server = undefined
  })

  test('the emulator listening where it was dialled is proven', async () => {
    server = await serve((c, d, own) => ({listening: own, proof: healthProof(SECRET, c, d, own), status: 'ok'}))
    expect(await proveServer(endpointOf(server), SECRET)).toEqual({kind: 'proven'})
  })

  test('a proof for another listening address is a relay, named', async () => {
    server = await serve((c, d) => ({listening: '127.0.0.1:1', proof: healthProof(SECRET, c, d, '127.0.0.1:1')}))
    expect(await proveServer(endpointOf(server), SECRET)).toEqual({kind: 'relay', listening: '127.0.0.1:1'})
  })

  test('a proof that claims the dialled address but was made for another is an impostor', async () => {
    server = await serve((c, d, own) => ({listening: own, proof: healthProof(SECRET, c, d, '127.0.0.1:1')}))
    expect(await proveServer(endpointOf(server), SECRET)).toEqual({kind: 'impostor'})
  })

  test.each([
    ['another secret', (c: string, d: string, own: string) => ({listening: own, proof: healthProof('x', c, d, own)})],
    ['the old proof of the challenge alone', () => ({proof: '00', status: 'ok'})],
    ['no JSON', () => 'ok'],
  ])('%s is an impostor', async (_name, answer) => {
    server = await serve(answer)
    expect(await proveServer(endpointOf(server), SECRET)).toEqual({kind: 'impostor'})
  })

  test('nothing listening is silent', async () => {
    server = await serve(() => ({}))
    const endpoint = endpointOf(server)
    await new Promise((resolve) => {
      server!.close(resolve)
    })
    server = undefined
    expect(await proveServer(endpoint, SECRET)).toEqual({kind: 'silent'})
  })

  test('dialledAddress writes the port out', () => {
    expect(dialledAddress('http://127.0.0.1:4589')).toBe('127.0.0.1:4589')
    expect(dialledAddress('http://localhost')).toBe('localhost:80')
    expect(dialledAddress('http://[::1]:4589/')).toBe('[::1]:4589')
  })
})
