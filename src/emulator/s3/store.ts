/**
 * The emulator's S3 storage: object bodies stored by content (`objects/<sha256>`), never at a path built from a
 * key, so no key (`../../x`) can reach outside the state dir; buckets and keys live in one JSON index, written
 * atomically. Multipart parts wait in `uploads/<id>/<n>` (the id is ours, random hex) until completed.
 */
import {createHash, randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

export interface ObjectEntry {
  contentType?: string
  etag: string
  modified: number
  sha256: string
  size: number
}

interface Index {
  buckets: Record<string, {created: number; objects: Record<string, ObjectEntry>}>
  uploads: Record<string, {bucket: string; key: string; parts: Record<string, string>}>
}

export class S3Store {
  private index: Index = {buckets: {}, uploads: {}}

  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {
    mkdirSync(join(dir, 'objects'), {mode: 0o700, recursive: true})
    const file = join(dir, 'index.json')
    if (existsSync(file)) this.index = JSON.parse(readFileSync(file, 'utf8')) as Index
  }

  abortUpload(id: string): boolean {
    if (!this.index.uploads[id]) return false
    delete this.index.uploads[id]
    this.save()
    return true
  }

  bucket(name: string) {
    return this.index.buckets[name]
  }

  bucketNames(): Array<{created: number; name: string}> {
    return Object.entries(this.index.buckets).map(([name, b]) => ({created: b.created, name}))
  }

  completeUpload(id: string, partNumbers: readonly number[]): ObjectEntry | undefined {
    const upload = this.index.uploads[id]
    if (!upload) return undefined
    const bodies = partNumbers.map((n) => this.read(upload.parts[String(n)]))
    if (bodies.includes(undefined)) return undefined
    delete this.index.uploads[id]
    const md5s = Buffer.concat(bodies.map((b) => createHash('md5').update(b!).digest()))
    const etag = `"${createHash('md5').update(md5s).digest('hex')}-${bodies.length}"`
    return this.put(upload.bucket, upload.key, Buffer.concat(bodies as Buffer[]), undefined, etag)
  }

  createBucket(name: string): boolean {
    if (this.index.buckets[name]) return false
    this.index.buckets[name] = {created: this.now(), objects: {}}
    this.save()
    return true
  }

  createUpload(bucket: string, key: string): string {
    const id = randomBytes(16).toString('hex')
    this.index.uploads[id] = {bucket, key, parts: {}}
    this.save()
    return id
  }

  delete(bucket: string, key: string): void {
    const b = this.index.buckets[bucket]
    if (b && Object.hasOwn(b.objects, key)) {
      delete b.objects[key]
      this.save()
    }
  }

  get(bucket: string, key: string): ObjectEntry | undefined {
    const b = this.index.buckets[bucket]
    return b && Object.hasOwn(b.objects, key) ? b.objects[key] : undefined
  }

  put(bucket: string, key: string, body: Buffer, contentType?: string, etag?: string): ObjectEntry {
    const sha256 = this.write(body)
    const entry: ObjectEntry = {
      ...(contentType ? {contentType} : {}),
      etag: etag ?? `"${createHash('md5').update(body).digest('hex')}"`,
      modified: this.now(),
      sha256,
      size: body.length,
    }
    this.index.buckets[bucket].objects[key] = entry
    this.save()
    return entry
  }

  putPart(id: string, partNumber: number, body: Buffer): string | undefined {
    const upload = this.index.uploads[id]
    if (!upload) return undefined
    upload.parts[String(partNumber)] = this.write(body)
    this.save()
    return `"${createHash('md5').update(body).digest('hex')}"`
  }

  /** The body of a stored object, by its content hash. */
  read(sha256: string | undefined): Buffer | undefined {
    if (!sha256 || !/^[\da-f]{64}$/.test(sha256)) return undefined
    const file = join(this.dir, 'objects', sha256)
    return existsSync(file) ? readFileSync(file) : undefined
  }

  upload(id: string) {
    return this.index.uploads[id]
  }

  private save(): void {
    const file = join(this.dir, 'index.json')
    writeFileSync(`${file}.tmp`, JSON.stringify(this.index), {mode: 0o600})
    renameSync(`${file}.tmp`, file)
  }

  private write(body: Buffer): string {
    const sha256 = createHash('sha256').update(body).digest('hex')
    const file = join(this.dir, 'objects', sha256)
    if (!existsSync(file)) {
      writeFileSync(`${file}.tmp`, body, {mode: 0o600})
      renameSync(`${file}.tmp`, file)
    }

    return sha256
  }
}

/** Removes the object files nothing refers to (not needed for correctness; kept for tests that corrupt one). */
export function objectPath(dir: string, sha256: string): string {
  if (!/^[\da-f]{64}$/.test(sha256)) throw new Error('not a content hash')
  return join(dir, 'objects', sha256)
}

export function removeState(dir: string): void {
  rmSync(dir, {force: true, recursive: true})
}
