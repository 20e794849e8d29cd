/**
 * Local inputs travel like the package: by content. A file as it is, a directory as a deterministic tar.gz (the
 * package's archive code), each named by its SHA-256 under `<root>/mfbatch/inputs/`, so an unchanged input is
 * never uploaded twice; the job checks the SHA-256 on arrival.
 */
import {createHash} from 'node:crypto'
import {once} from 'node:events'
import {createReadStream, lstatSync, readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'

import type {S3Api} from '../clients'
import type {PackageRoot} from '../package/root'
import type {InputSpec} from './parse'

import {InputError} from '../../errors'
import {buildArchive, type PackageArchive} from '../package/archive'

export const INPUTS_PREFIX = 'mfbatch/inputs/'

/** One input as the job's script takes it: where from (S3), where to, and for local ones the SHA-256 to check. */
export interface PlacedInput {
  kind: InputSpec['kind']
  path: string
  sha256?: string
  /** The local file to upload (a file input itself, or a directory's archive). */
  upload?: {bucket: string; file: string; key: string}
  url: string
}

export async function placeInputs(specs: readonly InputSpec[], root: PackageRoot): Promise<PlacedInput[]> {
  const placed: PlacedInput[] = []
  for (const spec of specs) {
    if (spec.kind === 's3-object' || spec.kind === 's3-prefix') {
      placed.push({kind: spec.kind, path: spec.path, url: spec.source})
      continue
    }

    // eslint-disable-next-line no-await-in-loop -- one input at a time: the disk is read once, in order
    const {file, sha256} = spec.kind === 'file' ? await hashFile(spec.source) : await archiveDir(spec.source)
    const key = `${root.prefix ? `${root.prefix}/` : ''}${INPUTS_PREFIX}${sha256}${spec.kind === 'dir' ? '.tar.gz' : ''}`
    placed.push({
      kind: spec.kind,
      path: spec.path,
      sha256,
      upload: {bucket: root.bucket, file, key},
      url: `s3://${root.bucket}/${key}`,
    })
  }

  return placed
}

/** Uploads each local input S3 lacks (HeadObject first: the same content is there under the same key). */
export async function uploadInputs(s3: S3Api, placed: readonly PlacedInput[]): Promise<number> {
  let sent = 0
  for (const {upload} of placed) {
    if (!upload) continue
    // eslint-disable-next-line no-await-in-loop -- one upload at a time
    if (await s3.exists(upload.bucket, upload.key)) continue
    // eslint-disable-next-line no-await-in-loop
    await s3.upload(upload.bucket, upload.key, upload.file)
    sent++
  }

  return sent
}

async function hashFile(file: string): Promise<{file: string; sha256: string}> {
  const hash = createHash('sha256')
  const stream = createReadStream(file)
  stream.on('data', (chunk) => hash.update(chunk))
  await once(stream, 'end')
  return {file, sha256: hash.digest('hex')}
}

async function archiveDir(dir: string): Promise<PackageArchive & {file: string}> {
  const archive = await buildArchive(dir, listAll(dir))
  return {...archive, file: archive.path}
}

/** Every regular file under `dir`, sorted (links are refused: an input is its files, not where they point). */
function listAll(dir: string, sub = ''): Array<{path: string; size: number}> {
  const found: Array<{path: string; size: number}> = []
  for (const name of readdirSync(join(dir, sub)).sort()) {
    const path = sub ? `${sub}/${name}` : name
    const stat = lstatSync(join(dir, path))
    if (stat.isDirectory()) found.push(...listAll(dir, path))
    else if (stat.isFile()) found.push({path, size: statSync(join(dir, path)).size})
    else throw new InputError(`--input: ${join(dir, path)} is not a regular file or directory; inputs ship files only`)
  }

  return found
}
