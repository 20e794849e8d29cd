/**
 * `<state-dir>/credentials`: the emulator's access key id and secret, created at its first start (mode 0600) and
 * read by `emulator env` and `--local`. Created with O_EXCL so two first starts agree on one key.
 */
import {randomBytes} from 'node:crypto'
import {linkSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {Credentials} from './keys'

import {RuntimeError} from '../../errors'

export const CREDENTIALS_FILE = 'credentials'

export const credentialsPath = (stateDir: string): string => join(stateDir, CREDENTIALS_FILE)

/** AKIA + 16 upper-case letters and digits, as AWS's access key ids look. */
function newAccessKeyId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  return `AKIA${[...randomBytes(16)].map((b) => alphabet[b % 32]).join('')}`
}

/** The credentials of the emulator of `stateDir`, created when there are none yet. */
export function loadOrCreateCredentials(stateDir: string): Credentials {
  const existing = readCredentialsIfAny(stateDir)
  if (existing) return existing
  const file = credentialsPath(stateDir)
  const fresh: Credentials = {accessKeyId: newAccessKeyId(), secretAccessKey: randomBytes(30).toString('base64')}
  // Written in full under a temporary name, then linked into place: a concurrent reader never sees half a file,
  // and link() fails when another start won the race, whose key we then use.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  writeFileSync(tmp, `${JSON.stringify({...fresh, createdAt: new Date().toISOString()}, null, 2)}\n`, {
    flag: 'wx',
    mode: 0o600,
  })
  try {
    linkSync(tmp, file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return readCredentials(stateDir)
  } finally {
    rmSync(tmp, {force: true})
  }

  return fresh
}

/** The credentials file's keys; undefined when there is none. Throws when it is unsafe or unreadable. */
export function readCredentialsIfAny(stateDir: string): Credentials | undefined {
  try {
    statSync(credentialsPath(stateDir))
  } catch {
    return undefined
  }

  return readCredentials(stateDir)
}

function readCredentials(stateDir: string): Credentials {
  const file = credentialsPath(stateDir)
  const stat = statSync(file)
  const uid = process.getuid?.()
  // eslint-disable-next-line no-bitwise -- permission bits
  if (uid !== undefined && (stat.uid !== uid || stat.mode & 0o077)) {
    throw new RuntimeError(
      `${file} must belong to you and be readable by you only (mode 600); remove it and the emulator makes a new one`,
    )
  }

  let parsed: Partial<Credentials>
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Credentials>
  } catch {
    parsed = {}
  }

  if (typeof parsed.accessKeyId !== 'string' || typeof parsed.secretAccessKey !== 'string' || !parsed.secretAccessKey) {
    throw new RuntimeError(`${file} is not an emulator credentials file; remove it and the emulator makes a new one`)
  }

  return {accessKeyId: parsed.accessKeyId, secretAccessKey: parsed.secretAccessKey}
}
