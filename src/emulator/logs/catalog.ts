/**
 * Which log groups and streams exist, kept in an append-only journal (`catalog.ndjson`) replayed at start-up. Each
 * stream gets a number that is never reused; its events live in `streams/<number>.ndjson`, so deleting and
 * recreating a stream of the same name starts a new file and new event ids.
 */
import {rmSync} from 'node:fs'
import {join} from 'node:path'

import {writeFileAtomic} from '../persistence/atomic'
import {Journal, readJournal} from '../persistence/journal'
import {StreamFile} from './stream-file'

export interface LogStream {
  creationTime: number
  file: StreamFile
  group: string
  id: number
  name: string
}

export interface LogGroup {
  creationTime: number
  name: string
  retentionInDays?: number
  streams: Map<string, LogStream>
}

type CatalogRecord =
  | {at: number; group: string; id: number; op: 'createStream'; stream: string}
  | {at: number; group: string; op: 'createGroup'}
  | {group: string; op: 'deleteGroup'}
  | {group: string; op: 'deleteStream'; stream: string}
  | {id: number; op: 'reserve'}

/** Open stream files kept at once; others are closed (flushed) and reopened on their next append. */
const MAX_OPEN_FILES = 64

export class Catalog {
  readonly groups = new Map<string, LogGroup>()
  private readonly journal: Journal
  private nextId = 1
  private readonly open = new Set<LogStream>()

  constructor(private readonly dir: string) {
    this.journal = new Journal(join(dir, 'catalog.ndjson'))
  }

  close(): void {
    for (const stream of this.open) stream.file.close()
    this.open.clear()
    this.journal.close()
  }

  createGroup(name: string, at: number): LogGroup {
    this.journal.append({at, group: name, op: 'createGroup'} satisfies CatalogRecord)
    return this.applyCreateGroup(name, at)
  }

  createStream(group: LogGroup, name: string, at: number): LogStream {
    const id = this.nextId++
    this.journal.append({at, group: group.name, id, op: 'createStream', stream: name} satisfies CatalogRecord)
    return this.applyCreateStream(group, name, id, at)
  }

  deleteGroup(group: LogGroup): void {
    this.journal.append({group: group.name, op: 'deleteGroup'} satisfies CatalogRecord)
    for (const stream of group.streams.values()) this.removeFile(stream)
    this.groups.delete(group.name)
  }

  deleteStream(stream: LogStream): void {
    this.journal.append({group: stream.group, op: 'deleteStream', stream: stream.name} satisfies CatalogRecord)
    this.removeFile(stream)
    this.groups.get(stream.group)?.streams.delete(stream.name)
  }

  flush(): void {
    for (const stream of this.open) stream.file.flush()
    this.journal.flush()
  }

  /** Replays the journal; rewrites it compactly when deletions left it mostly history. */
  load(): void {
    const {records} = readJournal<CatalogRecord>(this.journal.path)
    for (const record of records) this.replay(record)
    const live = [...this.groups.values()].reduce((n, g) => n + 1 + g.streams.size, 0)
    if (records.length > 2 * live + 100) this.compact()
  }

  /** Keeps the number of open stream files bounded; call after appending to `stream`. */
  touched(stream: LogStream): void {
    this.open.delete(stream)
    this.open.add(stream)
    if (this.open.size <= MAX_OPEN_FILES) return
    const [oldest] = this.open
    this.open.delete(oldest)
    oldest.file.close()
  }

  private applyCreateGroup(name: string, at: number): LogGroup {
    const group: LogGroup = {creationTime: at, name, streams: new Map()}
    this.groups.set(name, group)
    return group
  }

  private applyCreateStream(group: LogGroup, name: string, id: number, at: number): LogStream {
    const stream: LogStream = {
      creationTime: at,
      file: new StreamFile(join(this.dir, 'streams', `${id}.ndjson`)),
      group: group.name,
      id,
      name,
    }
    group.streams.set(name, stream)
    return stream
  }

  private compact(): void {
    // Ids of deleted streams stay used, so event ids a client has seen never come back.
    const records: CatalogRecord[] = [{id: this.nextId - 1, op: 'reserve'}]
    for (const group of this.groups.values()) {
      records.push({at: group.creationTime, group: group.name, op: 'createGroup'})
      for (const s of group.streams.values()) {
        records.push({at: s.creationTime, group: group.name, id: s.id, op: 'createStream', stream: s.name})
      }
    }

    this.journal.close()
    writeFileAtomic(this.journal.path, records.map((r) => `${JSON.stringify(r)}\n`).join(''))
  }

  private removeFile(stream: LogStream): void {
    stream.file.close()
    this.open.delete(stream)
    rmSync(stream.file.path, {force: true})
  }

  private replay(record: CatalogRecord): void {
    switch (record.op) {
      case 'createGroup': {
        this.applyCreateGroup(record.group, record.at)
        break
      }

      case 'createStream': {
        const group = this.groups.get(record.group)
        if (group) this.applyCreateStream(group, record.stream, record.id, record.at)
        this.nextId = Math.max(this.nextId, record.id + 1)
        break
      }

      case 'deleteGroup': {
        this.groups.delete(record.group)
        break
      }

      case 'deleteStream': {
        this.groups.get(record.group)?.streams.delete(record.stream)
        break
      }

      case 'reserve': {
        this.nextId = Math.max(this.nextId, record.id + 1)
        break
      }
    }
  }
}
