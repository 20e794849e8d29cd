/**
 * The emulator's S3 storage. Bodies are files named by their SHA-256 (`objects/<sha256>`), never by a key, so no
 * key (`../../x`) can reach outside the state dir, and a copy is a new index entry for the same file. Bodies arrive
 * in `tmp/` (random names) and are renamed into place once checked. The index (buckets, keys, multipart uploads)
 * lives in memory and is kept as a journal (`index.jsonl`, one line per change), so a PUT costs one appended line
 * whatever the number of objects; the journal is rewritten at start-up when dead lines outnumber live ones.
 * A body file goes when nothing refers to it any more.
 */
import {randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync} from 'node:fs'
import {join} from 'node:path'

import type {ChecksumAlgorithm} from './checksums'

import {Journal, readJournal} from '../persistence/journal'
import {compareKeys} from './key-order'

export interface StoredChecksum {
  algorithm: ChecksumAlgorithm
  type: 'COMPOSITE' | 'FULL_OBJECT'
  value: string
}

/** What a PUT, a multipart upload or a copy keeps besides the body: content headers and user metadata. */
export interface ObjectHeaders {
  /** Content-Type, Content-Encoding, Content-Disposition, Cache-Control, Content-Language, Expires (lower case). */
  content: Record<string, string>
  /** `x-amz-meta-<name>` values by name (lower case, without the prefix). */
  meta: Record<string, string>
}

export interface ObjectEntry extends ObjectHeaders {
  checksum?: StoredChecksum
  etag: string
  modified: number
  /** Parts of a multipart object. */
  parts?: number
  sha256: string
  size: number
}

export interface PartEntry {
  /** The upload's checksum algorithm's value for this part, when the upload has one. */
  checksum?: string
  etag: string
  modified: number
  sha256: string
  size: number
}

export interface Upload extends ObjectHeaders {
  algorithm?: ChecksumAlgorithm
  bucket: string
  checksumType?: 'COMPOSITE' | 'FULL_OBJECT'
  created: number
  key: string
  parts: Map<number, PartEntry>
}

export interface Bucket {
  created: number
  objects: Map<string, ObjectEntry>
  /** The keys in S3's order; rebuilt on the first listing after a key was added or removed. */
  sorted?: string[]
}

type UploadRecord = Omit<Upload, 'parts'>
type Change =
  | {bucket: string; created: number; op: 'bucket'}
  | {bucket: string; entry: ObjectEntry; key: string; op: 'put'}
  | {bucket: string; key: string; op: 'delete'}
  | {bucket: string; op: 'drop-bucket'}
  | {id: string; number: number; op: 'part'; part: PartEntry}
  | {id: string; op: 'end-upload'}
  | {id: string; op: 'upload'; upload: UploadRecord}

const HEX64 = /^[\da-f]{64}$/

export class S3Store {
  private readonly buckets = new Map<string, Bucket>()
  private readonly journal: Journal
  /** False while the journal is replayed: files are only removed once every reference is known. */
  private ready = false
  private readonly references = new Map<string, number>()
  private readonly uploads = new Map<string, Upload>()

  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {
    mkdirSync(join(dir, 'objects'), {mode: 0o700, recursive: true})
    rmSync(join(dir, 'tmp'), {force: true, recursive: true})
    mkdirSync(join(dir, 'tmp'), {mode: 0o700})
    const path = join(dir, 'index.jsonl')
    const {records} = readJournal<Change>(path)
    const legacy = records.length === 0 ? legacyIndex(dir) : []
    for (const change of [...records, ...legacy]) this.apply(change)
    const live = this.liveChanges()
    this.journal = new Journal(path)
    if (legacy.length > 0 || records.length > 2 * live.length + 1000) this.rewrite(path, live)
    rmSync(join(dir, 'index.json'), {force: true})
    this.removeUnreferenced()
    this.ready = true
  }

  /** Where a body is kept; only ever a content hash, so never a path a client chose. */
  bodyPath(sha256: string): string {
    if (!HEX64.test(sha256)) throw new Error('not a content hash')
    return join(this.dir, 'objects', sha256)
  }

  bucket(name: string): Bucket | undefined {
    return this.buckets.get(name)
  }

  bucketNames(): Array<{created: number; name: string}> {
    return [...this.buckets]
      .map(([name, b]) => ({created: b.created, name}))
      .sort((a, b) => compareKeys(a.name, b.name))
  }

  close(): void {
    this.journal.close()
  }

  /** Moves a checked body from tmp/ into place under its hash (or drops it when that content is already kept). */
  commitBody(temp: string, sha256: string): void {
    const file = this.bodyPath(sha256)
    if (existsSync(file)) unlinkSync(temp)
    else renameSync(temp, file)
  }

  createBucket(name: string): boolean {
    if (this.buckets.has(name)) return false
    this.record({bucket: name, created: this.now(), op: 'bucket'})
    return true
  }

  createUpload(bucket: string, key: string, headers: Omit<UploadRecord, 'bucket' | 'created' | 'key'>): string {
    const id = randomBytes(24).toString('base64url')
    this.record({id, op: 'upload', upload: {...headers, bucket, created: this.now(), key}})
    return id
  }

  delete(bucket: string, key: string): boolean {
    if (!this.buckets.get(bucket)?.objects.has(key)) return false
    this.record({bucket, key, op: 'delete'})
    return true
  }

  deleteBucket(name: string): void {
    this.record({bucket: name, op: 'drop-bucket'})
  }

  endUpload(id: string): void {
    this.record({id, op: 'end-upload'})
  }

  get(bucket: string, key: string): ObjectEntry | undefined {
    return this.buckets.get(bucket)?.objects.get(key)
  }

  put(bucket: string, key: string, entry: Omit<ObjectEntry, 'modified'>): ObjectEntry {
    const stored = {...entry, modified: this.now()}
    this.record({bucket, entry: stored, key, op: 'put'})
    return stored
  }

  putPart(id: string, number: number, part: Omit<PartEntry, 'modified'>): PartEntry {
    const stored = {...part, modified: this.now()}
    this.record({id, number, op: 'part', part: stored})
    return stored
  }

  /** The bucket's keys in S3's order. */
  sortedKeys(bucket: Bucket): string[] {
    bucket.sorted ??= [...bucket.objects.keys()].sort(compareKeys)
    return bucket.sorted
  }

  /** A fresh name in tmp/ for a body on its way in. */
  tempPath(): string {
    return join(this.dir, 'tmp', randomBytes(16).toString('hex'))
  }

  upload(id: string): undefined | Upload {
    return this.uploads.get(id)
  }

  uploadsOf(bucket: string): number {
    let count = 0
    for (const upload of this.uploads.values()) if (upload.bucket === bucket) count++
    return count
  }

  private apply(change: Change): void {
    switch (change.op) {
      case 'bucket': {
        if (!this.buckets.has(change.bucket))
          this.buckets.set(change.bucket, {created: change.created, objects: new Map()})
        break
      }

      case 'delete': {
        this.unlinkKey(change.bucket, change.key)
        break
      }

      case 'drop-bucket': {
        const bucket = this.buckets.get(change.bucket)
        for (const entry of bucket?.objects.values() ?? []) this.release(entry.sha256)
        this.buckets.delete(change.bucket)
        break
      }

      case 'end-upload': {
        for (const part of this.uploads.get(change.id)?.parts.values() ?? []) this.release(part.sha256)
        this.uploads.delete(change.id)
        break
      }

      case 'part': {
        const upload = this.uploads.get(change.id)
        if (!upload) break
        this.hold(change.part.sha256)
        const old = upload.parts.get(change.number)
        upload.parts.set(change.number, change.part)
        if (old) this.release(old.sha256)
        break
      }

      case 'put': {
        this.linkKey(change.bucket, change.key, change.entry)
        break
      }

      case 'upload': {
        this.uploads.set(change.id, {...change.upload, parts: new Map()})
        break
      }
    }
  }

  private hold(sha256: string): void {
    this.references.set(sha256, (this.references.get(sha256) ?? 0) + 1)
  }

  private linkKey(name: string, key: string, entry: ObjectEntry): void {
    const bucket = this.buckets.get(name)
    if (!bucket) return
    this.hold(entry.sha256)
    const old = bucket.objects.get(key)
    bucket.objects.set(key, entry)
    if (old) this.release(old.sha256)
    else bucket.sorted = undefined
  }

  /** The changes that rebuild today's index. */
  private liveChanges(): Change[] {
    const changes: Change[] = []
    for (const [name, bucket] of this.buckets) {
      changes.push({bucket: name, created: bucket.created, op: 'bucket'})
      for (const [key, entry] of bucket.objects) changes.push({bucket: name, entry, key, op: 'put'})
    }

    for (const [id, {parts, ...upload}] of this.uploads) {
      changes.push({id, op: 'upload', upload})
      for (const [number, part] of parts) changes.push({id, number, op: 'part', part})
    }

    return changes
  }

  private record(change: Change): void {
    this.journal.append(change)
    this.apply(change)
  }

  private release(sha256: string): void {
    const left = (this.references.get(sha256) ?? 0) - 1
    if (left > 0) {
      this.references.set(sha256, left)
      return
    }

    this.references.delete(sha256)
    // Reads already under way keep their open file; only the name goes.
    if (this.ready) rmSync(this.bodyPath(sha256), {force: true})
  }

  /** Body files nothing refers to: left by a crash between a body's arrival and its index line. */
  private removeUnreferenced(): void {
    for (const name of readdirSync(join(this.dir, 'objects'))) {
      if (!this.references.has(name)) rmSync(join(this.dir, 'objects', name), {force: true, recursive: true})
    }
  }

  private rewrite(path: string, live: Change[]): void {
    this.journal.close()
    const next = new Journal(`${path}.next`)
    rmSync(next.path, {force: true})
    for (const change of live) next.append(change)
    next.close()
    renameSync(next.path, path)
  }

  private unlinkKey(name: string, key: string): void {
    const bucket = this.buckets.get(name)
    const old = bucket?.objects.get(key)
    if (!bucket || !old) return
    bucket.objects.delete(key)
    bucket.sorted = undefined
    this.release(old.sha256)
  }
}

/** The single JSON index of earlier versions, as changes. */
function legacyIndex(dir: string): Change[] {
  const file = join(dir, 'index.json')
  if (!existsSync(file)) return []
  const index = JSON.parse(readFileSync(file, 'utf8')) as {
    buckets: Record<string, {created: number; objects: Record<string, ObjectEntry & {contentType?: string}>}>
  }
  const changes: Change[] = []
  for (const [bucket, {created, objects}] of Object.entries(index.buckets ?? {})) {
    changes.push({bucket, created, op: 'bucket'})
    for (const [key, {contentType, ...entry}] of Object.entries(objects)) {
      const content: Record<string, string> = contentType ? {'content-type': contentType} : {}
      changes.push({bucket, entry: {...entry, content, meta: {}}, key, op: 'put'})
    }
  }

  return changes
}
