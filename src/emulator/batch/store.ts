/**
 * Everything the Batch service knows, in memory, with its persistence in the state dir:
 * - `batch-control.json`: compute environments, queues and job definitions (few, rarely changed), rewritten whole
 *   and atomically on each change;
 * - `batch-jobs.jsonl`: a journal of job records. A change appends the changed records only, so a transition costs
 *   the size of one job, not of all jobs. Loading keeps the last line per job id, then rewrites the journal with
 *   one line per job (compaction); it is compacted again while running once it has grown well past that size.
 *
 * Job status changes go through `setStatus` so the indexes the engine and ListJobs rely on stay right.
 */
import * as fs from 'node:fs'
import path from 'node:path'

import {readJson, writeFileAtomic, writeJsonAtomic} from '../persistence/atomic'
import {Journal, readJournal} from '../persistence/journal'
import {
  ComputeEnvironmentRecord,
  ConsumableResourceRecord,
  isFinal,
  isParentJob,
  JOB_STATUSES,
  JobDefinitionRecord,
  JobQueueRecord,
  JobRecord,
  JobStatus,
} from './types'

interface ControlFile {
  computeEnvironments: ComputeEnvironmentRecord[]
  /** Absent in state dirs written before consumable resources existed. */
  consumableResources?: ConsumableResourceRecord[]
  jobDefinitions: JobDefinitionRecord[]
  jobQueues: JobQueueRecord[]
  version: 1
}

export type StatusCounts = Record<JobStatus, number>

const emptyCounts = (): StatusCounts => Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as StatusCounts

/** Compact while running once the journal is this many times its size after the last compaction (and > 16 MB). */
const COMPACT_FACTOR = 4
const COMPACT_MIN_BYTES = 16 * 1024 * 1024

export class BatchStore {
  /** Non-final jobs (array parents excluded: they never run themselves), by status: what the engine works on. */
  readonly active = new Map<JobStatus, Set<JobRecord>>(JOB_STATUSES.map((s) => [s, new Set()]))
  /** Per array parent: how many children are in each status (the parent's statusSummary). */
  readonly childCounts = new Map<string, StatusCounts>()
  /** Array children by parent id, in index order. */
  readonly children = new Map<string, JobRecord[]>()
  readonly computeEnvironments = new Map<string, ComputeEnvironmentRecord>()
  readonly consumableResources = new Map<string, ConsumableResourceRecord>()
  /** Revisions by definition name, in revision order. */
  readonly jobDefinitions = new Map<string, JobDefinitionRecord[]>()
  readonly jobQueues = new Map<string, JobQueueRecord>()
  readonly jobs = new Map<string, JobRecord>()
  /** Top-level jobs (plain jobs and array parents) by queue name, in submission order: what ListJobs walks. */
  readonly jobsByQueue = new Map<string, JobRecord[]>()
  private compactedBytes = 0
  private readonly controlFile: string
  private readonly dirty = new Set<JobRecord>()
  private readonly journal: Journal
  private lastSeq = 0

  constructor(dir: string) {
    fs.mkdirSync(dir, {recursive: true})
    this.controlFile = path.join(dir, 'batch-control.json')
    this.journal = new Journal(path.join(dir, 'batch-jobs.jsonl'))
  }

  /** Adds a new job (and indexes it); written at the next flush. */
  addJob(job: JobRecord): void {
    this.jobs.set(job.jobId, job)
    this.index(job)
    this.dirty.add(job)
  }

  close(): void {
    this.flush()
    this.journal.close()
  }

  /** Writes every job changed since the last flush, in one append. */
  flush(): void {
    if (this.dirty.size === 0) return
    const lines = [...this.dirty].map((job) => JSON.stringify(job) + '\n').join('')
    this.dirty.clear()
    // One write for all the jobs a step changed.
    this.journal.appendRaw(Buffer.from(lines))
    const {size} = this.journal
    if (size > COMPACT_MIN_BYTES && size > COMPACT_FACTOR * this.compactedBytes) this.compact()
  }

  /** Loads the state dir. Returns false when it held no control state yet (first start). */
  load(): boolean {
    const control = readJson<ControlFile | false>(this.controlFile, false) || undefined
    for (const ce of control?.computeEnvironments ?? []) this.computeEnvironments.set(ce.computeEnvironmentName, ce)
    for (const q of control?.jobQueues ?? []) this.jobQueues.set(q.jobQueueName, q)
    for (const r of control?.consumableResources ?? []) this.consumableResources.set(r.consumableResourceName, r)
    for (const d of control?.jobDefinitions ?? []) {
      const revisions = this.jobDefinitions.get(d.jobDefinitionName) ?? []
      revisions.push(d)
      this.jobDefinitions.set(d.jobDefinitionName, revisions)
    }

    for (const revisions of this.jobDefinitions.values()) revisions.sort((a, b) => a.revision - b.revision)

    const latest = new Map<string, JobRecord>()
    // A torn last line (a crash in the middle of a write) is skipped; the compaction below drops it from the file.
    for (const record of readJournal<JobRecord>(this.journal.path).records) latest.set(record.jobId, record)
    const jobs = [...latest.values()].sort((a, b) => a.seq - b.seq)
    for (const job of jobs) {
      this.jobs.set(job.jobId, job)
      this.lastSeq = Math.max(this.lastSeq, job.seq)
    }

    // Parents before children is guaranteed by seq order; index after all are in so children find their parent.
    for (const job of jobs) this.index(job)
    this.compact()
    return control !== undefined
  }

  nextSeq(): number {
    this.lastSeq += 1
    return this.lastSeq
  }

  saveControl(): void {
    const control: ControlFile = {
      computeEnvironments: [...this.computeEnvironments.values()],
      consumableResources: [...this.consumableResources.values()],
      jobDefinitions: [...this.jobDefinitions.values()].flat(),
      jobQueues: [...this.jobQueues.values()],
      version: 1,
    }
    writeJsonAtomic(this.controlFile, control)
  }

  /** Moves a job to a new status, keeping the indexes and the parent's counts right. */
  setStatus(job: JobRecord, status: JobStatus): void {
    if (job.status === status) return
    if (!isParentJob(job)) {
      this.active.get(job.status)!.delete(job)
      if (!isFinal(status)) this.active.get(status)!.add(job)
    }

    if (job.parentId !== undefined) {
      const counts = this.childCounts.get(job.parentId)
      if (counts) {
        counts[job.status] -= 1
        counts[status] += 1
      }
    }

    job.status = status
    this.dirty.add(job)
  }

  /** Marks a job changed in a way other than its status; written at the next flush. */
  touch(job: JobRecord): void {
    this.dirty.add(job)
  }

  /** Rewrites the journal with one line per job (atomically: a crash leaves the old journal or the new one). */
  private compact(): void {
    this.dirty.clear()
    this.journal.close()
    const jobs = [...this.jobs.values()].sort((a, b) => a.seq - b.seq)
    writeFileAtomic(this.journal.path, jobs.map((job) => JSON.stringify(job) + '\n').join(''))
    this.compactedBytes = this.journal.size
  }

  private index(job: JobRecord): void {
    if (!isParentJob(job) && !isFinal(job.status)) this.active.get(job.status)!.add(job)
    if (isParentJob(job)) {
      this.children.set(job.jobId, [])
      this.childCounts.set(job.jobId, emptyCounts())
    }

    if (job.parentId === undefined) {
      const queue = job.spec!.jobQueueName
      const list = this.jobsByQueue.get(queue) ?? []
      list.push(job)
      this.jobsByQueue.set(queue, list)
      return
    }

    this.children.get(job.parentId)?.push(job)
    const counts = this.childCounts.get(job.parentId)
    if (counts) counts[job.status] += 1
  }
}
