/**
 * A second local user, for tests of what another user can plant: made with `useradd` when the tests run as root (as
 * CI does) and removed with `userdel -r` after the test file's last test. Made when the test file loads, so that a
 * test can be declared skipped: where there is no such user, the tests that need one are skipped and the reason is
 * printed; with MFBATCH_TEST_SECOND_USER=required they fail with it instead.
 */
import {execFileSync} from 'node:child_process'

export interface OtherUser {
  gid: number
  name: string
  uid: number
}

/** useradd takes a lock on /etc/passwd that another test file may hold for a moment. */
function withRetries(run: () => void): void {
  for (let attempt = 1; ; attempt++) {
    try {
      run()
      return
    } catch (error) {
      if (attempt >= 10) throw error
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200)
    }
  }
}

function makeOtherUser(): OtherUser | string {
  if (process.getuid?.() !== 0) return 'these tests need a second local user, and only root can make one (useradd)'
  const name = `mfbt${process.pid}`
  try {
    withRetries(() => execFileSync('useradd', ['-m', '-s', '/bin/sh', name], {stdio: 'pipe'}))
    const id = (flag: string) => Number(execFileSync('id', [flag, name], {encoding: 'utf8'}).trim())
    return {gid: id('-g'), name, uid: id('-u')}
  } catch (error) {
    return `useradd ${name} failed: ${String((error as {stderr?: Buffer}).stderr ?? error).trim()}`
  }
}

const made = makeOtherUser()
if (typeof made === 'object' && typeof afterAll === 'function') {
  afterAll(() => withRetries(() => execFileSync('userdel', ['-r', made.name], {stdio: 'ignore'})))
}

const required = process.env.MFBATCH_TEST_SECOND_USER === 'required'
if (typeof made === 'string' && !required) console.warn(`skipping the tests that need a second user: ${made}`)

/** The second user, or undefined when there is none (then the tests declared with `withOtherUser` are skipped). */
export const otherUser: OtherUser | undefined = typeof made === 'object' ? made : undefined

/** A test that needs the second user: skipped without one, or failed when MFBATCH_TEST_SECOND_USER=required. */
export function withOtherUser(name: string, run: (user: OtherUser) => Promise<void>, timeout?: number): void {
  if (typeof made === 'object') test(name, () => run(made), timeout)
  else if (required) {
    test(name, () => {
      throw new Error(`MFBATCH_TEST_SECOND_USER=required: ${made}`)
    })
  } else {
    // eslint-disable-next-line mocha/no-skipped-tests -- no second user here: the reason is printed above
    test.skip(name, async () => {})
  }
}
