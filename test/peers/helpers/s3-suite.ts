/**
 * What every S3 peer suite starts with: an emulator of its own whose credentials the peers sign with (as a user
 * after `emulator env` would), a scratch folder, both removed after the suite, and `ok`, an AWS CLI call that must
 * succeed silently.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, startEmulator, type TestEmulator} from '../../helpers/emulator'
import {aws, requireAwsCli} from './aws-cli'
import {registerPeerEmulator} from './credentials'

function started<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('the S3 peer suite is used before its beforeAll ran')
  return value
}

export interface S3PeerSuite {
  /** The suite's scratch folder. */
  readonly dir: string
  readonly emulator: TestEmulator
  /** `aws ARGS` against the emulator: exit 0 with nothing on stderr, else the test fails; resolves with stdout. */
  ok(args: string[]): Promise<string>
}

/** Registers the suite's beforeAll/afterAll; the fields are there from beforeAll on. */
export function s3PeerSuite(name: string, callTimeoutMs?: number): S3PeerSuite {
  let emulator: TestEmulator | undefined
  let dir: string | undefined
  beforeAll(async () => {
    requireAwsCli()
    emulator = await startEmulator()
    registerPeerEmulator(emulator)
    dir = mkdtempSync(join(tmpdir(), `mfbatch-${name}-`))
  }, 30_000)

  afterAll(async () => {
    if (emulator) {
      await emulator.stop()
      removeStateDir(emulator.stateDir)
    }

    if (dir) rmSync(dir, {force: true, recursive: true})
  })

  return {
    get dir() {
      return started(dir)
    },
    get emulator() {
      return started(emulator)
    },
    async ok(args) {
      const result = await aws(started(emulator).url, args, {timeoutMs: callTimeoutMs})
      expect({code: result.code, stderr: result.stderr}).toEqual({code: 0, stderr: ''})
      return result.stdout
    },
  }
}
