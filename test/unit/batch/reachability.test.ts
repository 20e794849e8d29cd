import {failFastWhenUnreachable, UnreachableEndpoint} from '../../../src/batch/reachability'

type Handler = (args: unknown) => Promise<unknown>

/** A middleware stack of one: the check, over a `next` that fails or answers as each attempt is told to. */
function checked(answered?: {yes: boolean}): {attempt: (outcome: unknown, hostname: string) => Promise<unknown>} {
  let middleware: ((next: Handler) => Handler) | undefined
  failFastWhenUnreachable(
    {
      add(m) {
        middleware = m
      },
    },
    answered ?? {yes: false},
  )
  let outcome: unknown
  const handler = middleware!(async () => {
    if (outcome instanceof Error) throw outcome
    return outcome
  })
  return {
    attempt(next, hostname) {
      outcome = next
      return handler({request: {hostname, path: '/v1/describejobs', port: 4589, protocol: 'http:'}})
    },
  }
}

const network = (code: string): Error => Object.assign(new Error(`connect ${code}`), {code})

describe('failFastWhenUnreachable', () => {
  test.each(['ENOTFOUND', 'EAI_AGAIN'])('%s before any answer: unreachable at once, naming the URL', async (code) => {
    const error = await checked()
      .attempt(network(code), 'batch.example.invalid')
      .catch((error: unknown) => error)
    expect(error).toBeInstanceOf(UnreachableEndpoint)
    expect(error).toMatchObject({
      loopback: false,
      reason: code,
      url: 'http://batch.example.invalid:4589/v1/describejobs',
    })
  })

  test('refused by another machine: unreachable at once', async () => {
    const error = await checked()
      .attempt(network('ECONNREFUSED'), '10.1.2.3')
      .catch((error: unknown) => error)
    expect(error).toMatchObject({loopback: false, name: 'UnreachableEndpoint', reason: 'ECONNREFUSED'})
  })

  test('refused on this machine: two quick attempts left to the SDK (an emulator starting), then unreachable', async () => {
    const check = checked()
    const refused = network('ECONNREFUSED')
    const outcomes = []
    for (let i = 0; i < 3; i++) {
      // eslint-disable-next-line no-await-in-loop -- attempts of one call come one after another
      outcomes.push(await check.attempt(refused, '127.0.0.1').catch((error: unknown) => error))
    }

    expect(outcomes.slice(0, 2)).toEqual([refused, refused])
    expect(outcomes[2]).toMatchObject({loopback: true, name: 'UnreachableEndpoint'})
  })

  test('once the endpoint has answered, a network failure is an outage: passed on for the SDK to retry', async () => {
    const answered = {yes: false}
    const check = checked(answered)
    await expect(check.attempt({ok: true}, 'batch.example.com')).resolves.toEqual({ok: true})
    expect(answered.yes).toBe(true)
    const lost = network('ENOTFOUND')
    await expect(check.attempt(lost, 'batch.example.com')).rejects.toBe(lost)
  })

  test('an AWS error is an answer too; errors without a network code pass untouched', async () => {
    const answered = {yes: false}
    const check = checked(answered)
    const throttled = Object.assign(new Error('slow down'), {$metadata: {httpStatusCode: 429}})
    await expect(check.attempt(throttled, 'batch.example.com')).rejects.toBe(throttled)
    expect(answered.yes).toBe(true)
    const other = new Error('Region is missing')
    await expect(checked().attempt(other, 'x')).rejects.toBe(other)
  })
})
