import {allowedHosts, gateRefusal} from '../../../../src/emulator/http/gate'

describe('Host and Origin gate', () => {
  const hosts = allowedHosts('127.0.0.1', 4589)
  test.each([
    ['127.0.0.1:4589', undefined, true],
    ['localhost:4589', undefined, true],
    ['LOCALHOST:4589', undefined, true],
    ['[::1]:4589', undefined, true],
    ['127.0.0.1:4590', undefined, false],
    ['evil.example:4589', undefined, false],
    ['127.0.0.1', undefined, false],
    [undefined, undefined, false],
    ['127.0.0.1:4589', 'http://127.0.0.1:4589', false],
    ['127.0.0.1:4589', 'null', false],
  ])('Host %j, Origin %j: allowed %s', (host, origin, allowed) => {
    expect(gateRefusal({host, origin}, hosts) === undefined).toBe(allowed)
  })

  test('the --host given is allowed too', () => {
    expect(gateRefusal({host: '10.0.0.5:4589'}, allowedHosts('10.0.0.5', 4589))).toBeUndefined()
    expect(gateRefusal({host: '[fd00::1]:80'}, allowedHosts('fd00::1', 80))).toBeUndefined()
  })
})
