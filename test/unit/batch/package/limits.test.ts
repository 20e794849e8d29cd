import {packageUrlSeconds, presignLife} from '../../../../src/batch/package/limits'

const HOUR = 3600
const DAY = 24 * HOUR
const NOW = Date.UTC(2026, 11, 6)

describe("the package's presigned URL lives as long as the job's attempts need it", () => {
  test.each([
    // attempts, timeout per attempt, URL life: a day to start, then a timeout per retry
    [1, 5 * DAY, DAY],
    [1, HOUR, DAY],
    [3, HOUR, DAY + 2 * HOUR],
    [10, 5 * DAY, DAY + 9 * 5 * DAY],
  ])('%i attempts of at most %i s: %i s', (attempts, timeoutSeconds, seconds) => {
    expect(packageUrlSeconds({attempts, timeoutSeconds})).toBe(seconds)
  })

  test.each([
    // wanted, credentials expire in (undefined: long-lived keys), life, with a notice
    [DAY, undefined, DAY, false],
    [50 * DAY, undefined, 7 * DAY, false],
    [DAY, 2 * DAY, DAY, false],
    [DAY, 13 * HOUR, 13 * HOUR, false],
    [DAY, HOUR, HOUR, true],
    [DAY, 10, 60, true],
  ])('wanted %i s, credentials for %p s: %i s (notice %p)', (wanted, expiresIn, seconds, notice) => {
    const expires = expiresIn === undefined ? undefined : new Date(NOW + expiresIn * 1000)
    const life = presignLife(NOW, expires, wanted)
    expect([life.seconds, life.notice !== undefined]).toEqual([seconds, notice])
  })
})
