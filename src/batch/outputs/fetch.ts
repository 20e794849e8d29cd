/**
 * `mfbatch outputs` and the download after `submit --wait|--follow` (DESIGN.md section 12): which attempts of a job
 * left outputs (listed in S3 under the place its bootstrap names), and one attempt's archive streamed from S3 into
 * the safe unpacking (unpack.ts), which checks its SHA-256 against the manifest before anything is put in place.
 */
import type {BatchApi, S3Api} from '../clients'
import type {OutputsTarget} from './bootstrap-section'

import {RuntimeError} from '../../errors'
import {explainAwsError} from '../errors'
import {bootstrapFact} from '../package/bootstrap'
import {type Unpacked, unpackOutputs} from './unpack'

export interface AttemptOutputs {
  attempt: number
  bytes: number
  /** The job id as the job saw it: `ID`, `ID:N` for an array child, `ID#N` for a node. */
  jobId: string
  /** The archive's key (`.tar.gz`, or `.tar` when large); the manifest is the same with `.json`. */
  key: string
  url: string
}

export interface Manifest {
  bytes: number
  /** `gzip` (a tar.gz) or `none` (a plain tar, when large); a manifest of earlier versions has none: gzip. */
  encoding: 'gzip' | 'none'
  exitCode: number
  missing: string[]
  sha256: string
}

const ENCODINGS = new Set(['gzip', 'none'])

/**
 * A manifest's JSON (written by the job's bootstrap, bootstrap-section.ts), checked: a manifest without `encoding`
 * (from earlier versions) is gzip; one that is not what the bootstrap writes is an error naming `describe`.
 */
export function parseManifest(text: string, describe: string): Manifest {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    value = undefined
  }

  const found = (value ?? {}) as Partial<Record<keyof Manifest, unknown>>
  const encoding = found.encoding ?? 'gzip'
  if (typeof encoding === 'string' && !ENCODINGS.has(encoding)) {
    throw new RuntimeError(
      `the outputs manifest ${describe} says encoding ${JSON.stringify(encoding)}, which this mfbatch does not know ` +
        '(it reads gzip and none): update mfbatch',
    )
  }

  if (
    typeof value !== 'object' ||
    value === null ||
    typeof found.bytes !== 'number' ||
    typeof found.exitCode !== 'number' ||
    !Array.isArray(found.missing) ||
    !found.missing.every((m) => typeof m === 'string') ||
    typeof found.sha256 !== 'string' ||
    !/^[\da-f]{64}$/.test(found.sha256) ||
    typeof encoding !== 'string'
  ) {
    throw new RuntimeError(`the outputs manifest ${describe} is not one mfbatch wrote; run the job again`)
  }

  return {
    bytes: found.bytes,
    encoding: encoding as Manifest['encoding'],
    exitCode: found.exitCode,
    missing: found.missing as string[],
    sha256: found.sha256,
  }
}

/** Where the job's bootstrap uploads its outputs; undefined when the job declared none. */
export function outputsTargetOf(command: readonly string[] | undefined): OutputsTarget | undefined {
  const bucket = command && bootstrapFact(command, 'OB')
  const prefix = command && bootstrapFact(command, 'OK')
  return bucket === undefined || prefix === undefined ? undefined : {bucket, prefix}
}

/** The job's outputs place, from its command (DescribeJobs); an error saying so when it declared no outputs. */
export async function findOutputsTarget(batch: BatchApi, jobId: string): Promise<OutputsTarget> {
  const base = jobId.replace(/[:#].*$/, '')
  let answer
  try {
    answer = await batch.describeJobs({jobs: [jobId]})
  } catch (error) {
    throw explainAwsError(error, `describing job ${jobId}`)
  }

  const job = answer.jobs?.[0]
  if (!job) throw new RuntimeError(`job ${jobId} not found; check the id, and the region and endpoint it ran in`)
  const command = job.container?.command ?? job.nodeProperties?.nodeRangeProperties?.[0]?.container?.command
  const target = outputsTargetOf(command)
  if (!target) {
    throw new RuntimeError(`job ${base} declared no outputs (submit it with --output PATH to bring files back)`)
  }

  return target
}

/** A child's index (`ID:N`, `ID#N`); -1 for the job itself. */
function childIndex(id: string): number {
  return Number(/[:#](\d+)$/.exec(id)?.[1] ?? -1)
}

/** `.../<job id>/attempt-<n>.tar.gz`, or `.tar` for a large archive (bootstrap-section.ts, GZIP_LIMIT). */
const ATTEMPT_KEY = /\/([^/]+)\/attempt-(\d+)\.tar(?:\.gz)?$/

/**
 * The attempts that uploaded outputs: of `jobId` alone, or with `children` of every child of an array (`ID:N`)
 * or node (`ID#N`). Sorted by job id (children by index), then attempt.
 */
export async function listAttempts(
  s3: S3Api,
  target: OutputsTarget,
  jobId: string,
  children = false,
): Promise<AttemptOutputs[]> {
  const prefix = `${target.prefix}/${jobId}${children ? '' : '/'}`
  const found: AttemptOutputs[] = []
  for (const object of await s3.list(target.bucket, prefix)) {
    const match = ATTEMPT_KEY.exec(object.key)
    if (!match) continue
    const [, id, attempt] = match
    if (children ? !/^.+[:#]\d+$/.test(id) : id !== jobId) continue
    const url = `s3://${target.bucket}/${object.key}`
    found.push({attempt: Number(attempt), bytes: object.size, jobId: id, key: object.key, url})
  }

  return found.sort((a, b) => childIndex(a.jobId) - childIndex(b.jobId) || a.attempt - b.attempt)
}

/** The last attempt of each job id among `attempts`, or the one asked for. */
export function chooseAttempts(attempts: readonly AttemptOutputs[], attempt?: number): AttemptOutputs[] {
  const byJob = new Map<string, AttemptOutputs>()
  for (const a of attempts) {
    if (attempt === undefined ? (byJob.get(a.jobId)?.attempt ?? 0) < a.attempt : a.attempt === attempt) {
      byJob.set(a.jobId, a)
    }
  }

  return [...byJob.values()]
}

export async function readManifest(s3: S3Api, bucket: string, attempt: AttemptOutputs): Promise<Manifest> {
  const key = attempt.key.replace(/\.tar(?:\.gz)?$/, '.json')
  const text = await s3.readText(bucket, key)
  if (text === undefined) {
    throw new RuntimeError(
      `the outputs of job ${attempt.jobId} attempt ${attempt.attempt} have no manifest (s3://${bucket}/${key}): ` +
        'the upload did not finish; run the job again',
    )
  }

  return parseManifest(text, `s3://${bucket}/${key}`)
}

export interface Downloaded extends Unpacked {
  attempt: AttemptOutputs
  manifest: Manifest
}

/** One attempt's outputs into `into`: streamed from S3 into the unpacking (unpack.ts), checked on the way. */
export async function downloadAttempt(
  s3: S3Api,
  bucket: string,
  attempt: AttemptOutputs,
  into: string,
): Promise<Downloaded> {
  const manifest = await readManifest(s3, bucket, attempt)
  // One GET, streamed: ranged GETs in parallel (as aws s3 cp does) measured slower here, the hashing and unpacking
  // on this thread being the bottleneck, not the connection (bench/README.md, B10).
  const body = await s3.read(bucket, attempt.key)
  const unpacked = await unpackOutputs(body, into, {
    describe: attempt.url,
    encoding: manifest.encoding,
    sha256: manifest.sha256,
  }).finally(() => body.destroy())
  return {...unpacked, attempt, manifest}
}
