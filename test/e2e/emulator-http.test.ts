import {startEmulator, type TestEmulator} from '../helpers/emulator'

describe('the emulator over HTTP', () => {
  let emulator: TestEmulator

  beforeAll(async () => {
    emulator = await startEmulator()
  })

  afterAll(async () => {
    await emulator?.stop()
  })

  test('answers its health check and starts with no calls counted', async () => {
    expect(await emulator.stats()).toEqual({})
  })
})
