/**
 * What `status` shows of a job, as a pure function of the JobDetail and the current time: the JSON view (a stable
 * contract, every field always present, `null` when unknown), the table columns and the one-job detail view.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {QueuePosition} from '../batch/queues/line'
import type {FailedChild} from '../batch/watch/array-children'
import type {Palette} from './color'
import type {Column} from './table'

import {JOB_STATES} from '../batch/jobs/query'
import {positionText} from '../batch/queues/line'
import {shownAssignment} from '../batch/secrets'
import {formatAgo, formatDuration} from './duration'
import {isoOrNull} from './json'

export interface AttemptView {
  durationSeconds: null | number
  exitCode: null | number
  logStreamName: null | string
  /** From 1. */
  number: number
  /** The container's reason ("Essential container in task exited", "OutOfMemoryError: ..."). */
  reason: null | string
  startedAt: null | string
  statusReason: null | string
  stoppedAt: null | string
}

export interface NodeView {
  /** A node `JOB#N`: N; the parent: null. */
  index: null | number
  /** A node: whether it is the main node; the parent: null. */
  isMainNode: boolean | null
  /** The parent: its node count; a node: null. */
  numNodes: null | number
}

export interface JobView {
  /**
   * Array parents: size, children per status (every status present) and, when looked up, the FAILED children
   * (index, exit code, reason; null when not looked up); array children: their index.
   */
  array: null | {
    failed?: Array<{exitCode: null | number; index: number; reason: null | string}> | null
    index: null | number
    size: null | number
    statusSummary: null | Record<string, number>
  }
  attempts: AttemptView[]
  createdAt: null | string
  dependsOn: Array<{jobId: string; type: null | string}>
  /** Started to stopped, or to now while running; null before it starts. */
  durationSeconds: null | number
  exitCode: null | number
  image: null | string
  jobArn: null | string
  jobDefinition: null | string
  jobId: string
  jobName: null | string
  jobQueue: null | string
  /** The latest attempt's CloudWatch Logs stream. */
  logStreamName: null | string
  /** Multi-node jobs only (the key is absent otherwise): a node's index, or the parent's node count. */
  node?: NodeView
  /** A multi-node parent given by id to `status`: its nodes' own views, node 0 (the main node) first. */
  nodes?: JobView[]
  /** A RUNNABLE job given by id to `status`, when its queue's snapshot lists it (the key is absent otherwise). */
  queuePosition?: QueuePosition
  resources: {gpus: null | number; memoryMiB: null | number; vcpus: null | number}
  startedAt: null | string
  status: string
  statusReason: null | string
  stoppedAt: null | string
}

const seconds = (from?: number, to?: number): null | number =>
  from === undefined || to === undefined ? null : Math.max(0, Math.round((to - from) / 1000))

function resources(job: JobDetail): JobView['resources'] {
  const {container} = job
  const requirement = (type: string): null | number => {
    const value = container?.resourceRequirements?.find((r) => r.type === type)?.value
    return value === undefined ? null : Number(value)
  }

  return {
    gpus: requirement('GPU'),
    memoryMiB: requirement('MEMORY') ?? container?.memory ?? null,
    vcpus: requirement('VCPU') ?? container?.vcpus ?? null,
  }
}

function arrayView(job: JobDetail, failed?: readonly FailedChild[]): JobView['array'] {
  const props = job.arrayProperties
  if (!props || (props.size === undefined && props.index === undefined)) return null
  const summary = props.statusSummary
  const children = failed?.map((c) => ({exitCode: c.exitCode ?? null, index: c.index, reason: c.reason ?? null}))
  return {
    ...(props.index === undefined ? {failed: children ?? null} : {}),
    index: props.index ?? null,
    size: props.size ?? null,
    statusSummary: summary ? Object.fromEntries(JOB_STATES.map((state) => [state, summary[state] ?? 0])) : null,
  }
}

function attemptView(attempt: NonNullable<JobDetail['attempts']>[number], i: number): AttemptView {
  return {
    durationSeconds: seconds(attempt.startedAt, attempt.stoppedAt),
    exitCode: attempt.container?.exitCode ?? null,
    logStreamName: attempt.container?.logStreamName ?? null,
    number: i + 1,
    reason: attempt.container?.reason ?? null,
    startedAt: isoOrNull(attempt.startedAt),
    statusReason: attempt.statusReason ?? null,
    stoppedAt: isoOrNull(attempt.stoppedAt),
  }
}

/** The container's result, falling back to the latest attempt's (AWS fills one or the other). */
function containerView(job: JobDetail, attempts: AttemptView[]): Pick<JobView, 'exitCode' | 'image' | 'logStreamName'> {
  const container = job.container ?? {}
  return {
    exitCode: container.exitCode ?? attempts.at(-1)?.exitCode ?? null,
    image: container.image ?? null,
    logStreamName: container.logStreamName ?? attempts.at(-1)?.logStreamName ?? null,
  }
}

/** DescribeJobs gives a node nodeDetails and a multi-node parent nodeProperties; other jobs neither. */
function nodeView(job: JobDetail): Pick<JobView, 'node'> {
  if (job.nodeDetails) {
    const {isMainNode, nodeIndex} = job.nodeDetails
    return {node: {index: nodeIndex ?? null, isMainNode: isMainNode ?? null, numNodes: null}}
  }

  if (job.nodeProperties) return {node: {index: null, isMainNode: null, numNodes: job.nodeProperties.numNodes ?? null}}
  return {}
}

/**
 * `nodes`: a multi-node parent's nodes as DescribeJobs gave them (status by id), shown as its `nodes`. `failed`: an
 * array parent's FAILED children (array-children.ts), when looked up.
 */
export function jobView(
  job: JobDetail,
  now: number,
  nodes?: readonly JobDetail[],
  failed?: readonly FailedChild[],
): JobView {
  const attempts = (job.attempts ?? []).map((attempt, i) => attemptView(attempt, i))
  const running = job.startedAt !== undefined && job.stoppedAt === undefined
  const {exitCode, image, logStreamName} = containerView(job, attempts)
  // Keys in alphabetical order, so the JSON reads the same for every job.
  return {
    array: arrayView(job, failed),
    attempts,
    createdAt: isoOrNull(job.createdAt),
    dependsOn: (job.dependsOn ?? []).map((d) => ({jobId: d.jobId ?? '', type: d.type ?? null})),
    durationSeconds: seconds(job.startedAt, running ? now : job.stoppedAt),
    exitCode,
    image,
    jobArn: job.jobArn ?? null,
    jobDefinition: job.jobDefinition ?? null,
    jobId: job.jobId ?? '',
    jobName: job.jobName ?? null,
    jobQueue: job.jobQueue ?? null,
    logStreamName,
    ...nodeView(job),
    ...(nodes === undefined ? {} : {nodes: nodes.map((node) => jobView(node, now))}),
    resources: resources(job),
    startedAt: isoOrNull(job.startedAt),
    status: job.status ?? 'UNKNOWN',
    statusReason: job.statusReason ?? null,
    stoppedAt: isoOrNull(job.stoppedAt),
  }
}

/** Positions in the queue's line by job id (batch/queues/line.ts). */
export type QueuePositions = ReadonlyMap<string, QueuePosition>

/** The view with its job's place in the line, when there is one. */
export function withPosition(view: JobView, positions: QueuePositions): JobView {
  const queuePosition = positions.get(view.jobId)
  return queuePosition ? {...view, queuePosition} : view
}

/**
 * "10 children: 7 SUCCEEDED, 2 RUNNING, 1 FAILED (child 4 exit 3)" for an array parent; '' otherwise. The failed
 * children are named when they were looked up, the first three in a table cell.
 */
export function childCounts(view: JobView, named = 3): string {
  const summary = view.array?.statusSummary
  if (!summary || view.array?.size === null) return ''
  const parts = JOB_STATES.filter((state) => summary[state] > 0).map((state) => `${summary[state]} ${state}`)
  const failed = view.array?.failed ?? []
  const shown = failed
    .slice(0, named)
    .map((c) => `child ${c.index} ${c.exitCode === null ? 'no exit code' : `exit ${c.exitCode}`}`)
  const more = failed.length > named ? `, ${failed.length - named} more` : ''
  const which = shown.length > 0 ? ` (${shown.join(', ')}${more})` : ''
  return `${view.array!.size} children${parts.length > 0 ? `: ${parts.join(', ')}${which}` : ''}`
}

export function paintStatus(status: string, paint: Palette): string {
  if (status === 'SUCCEEDED') return paint.green(status)
  if (status === 'FAILED') return paint.red(status)
  if (status === 'RUNNING' || status === 'STARTING') return paint.cyan(status)
  if (status === 'RUNNABLE') return paint.yellow(status)
  return status
}

const nameOf = (arnOrName: null | string): string => arnOrName?.replace(/^arn:[^/]*\//, '') ?? ''
const reasonOf = (view: JobView): string => [childCounts(view), view.statusReason ?? ''].filter(Boolean).join('; ')

export interface ViewContext {
  now: number
  paint: Palette
  tty: boolean
}

/**
 * id, name, status, exit code, reason, created, duration. On a terminal times read "3m ago" and "1h02m"; in a pipe
 * they are an ISO time and whole seconds, which scripts can compare.
 */
export function jobColumns({now, paint, tty}: ViewContext): Array<Column<JobView>> {
  // On a narrow terminal the reason is cut first, then the name; then created, duration, reason, exit go.
  return [
    {header: 'id', value: (v) => v.jobId},
    {drop: 5, header: 'name', min: 12, shrink: true, value: (v) => (tty ? tableName(v.jobName) : (v.jobName ?? ''))},
    {header: 'status', value: (v) => paintStatus(v.status, paint)},
    {drop: 4, header: 'exit', value: (v) => (v.exitCode === null ? '' : String(v.exitCode))},
    {drop: 3, header: 'reason', min: 10, shrink: true, value: reasonOf},
    {
      drop: 1,
      header: 'created',
      value: (v) => (v.createdAt === null ? '' : tty ? formatAgo(Date.parse(v.createdAt), now) : v.createdAt),
    },
    {
      drop: 2,
      header: 'duration',
      value: (v) =>
        v.durationSeconds === null ? '' : tty ? formatDuration(v.durationSeconds * 1000) : String(v.durationSeconds),
    },
  ]
}

/** The prefix of every default job name (src/batch/definition/name.ts): the same on every row, so the table drops it. */
const DEFAULT_PREFIX = 'mfbatch-'

/** A name as a terminal's table shows it: without the `mfbatch-` every default name starts with. */
export function tableName(name: null | string): string {
  if (!name) return ''
  return name.startsWith(DEFAULT_PREFIX) && name.length > DEFAULT_PREFIX.length
    ? name.slice(DEFAULT_PREFIX.length)
    : name
}

/** On a terminal `2026-12-01T19:56:32Z (9s ago)`; in a pipe the ISO time alone, which scripts can compare. */
function when(iso: null | string, {now, tty}: ViewContext): string {
  if (iso === null) return ''
  return tty ? `${iso} (${formatAgo(Date.parse(iso), now)})` : iso
}

/** On a terminal "1h02m"; in a pipe whole seconds with their unit ("3722s"); the table's column is bare seconds. */
function lasted(seconds: number, tty: boolean, unit = ''): string {
  return tty ? formatDuration(seconds * 1000) : `${seconds}${unit}`
}

function resourceText({gpus, memoryMiB, vcpus}: JobView['resources']): string {
  const parts = [
    vcpus === null ? '' : `${vcpus} vCPU`,
    memoryMiB === null ? '' : `${memoryMiB} MiB`,
    gpus ? `${gpus} GPU` : '',
  ]
  return parts.filter(Boolean).join(', ')
}

function attemptLine(a: AttemptView, tty: boolean): string {
  const parts = [
    `#${a.number}`,
    a.exitCode === null ? (a.stoppedAt === null ? 'running' : 'no exit code') : `exit ${a.exitCode}`,
    a.durationSeconds === null ? '' : lasted(a.durationSeconds, tty, 's'),
    a.reason ?? a.statusReason ?? '',
    a.logStreamName ? `log ${a.logStreamName}` : '',
  ]
  return parts.filter(Boolean).join('  ')
}

/** One line per FAILED child of an array parent: "4  exit 3  Essential container in task exited". */
function failedChildrenText(view: JobView): string {
  return (view.array?.failed ?? [])
    .map((c) => [String(c.index), c.exitCode === null ? 'no exit code' : `exit ${c.exitCode}`, c.reason ?? ''])
    .map((parts) => parts.filter(Boolean).join('  '))
    .join('\n')
}

function arrayText(view: JobView): string {
  if (!view.array) return ''
  return view.array.index === null ? childCounts(view) : `child ${view.array.index}`
}

/** A node: "2 (child)" or "0 (main node)"; a multi-node parent: its node count. */
function nodeText({node}: JobView): string {
  if (!node) return ''
  if (node.index !== null) return `${node.index} (${node.isMainNode ? 'main node' : 'child'})`
  return node.numNodes === null ? '' : String(node.numNodes)
}

/** The job's environment as `NAME=value` lines, values of secret-looking names masked (human output only). */
export function environmentText(job: JobDetail): string {
  return (job.container?.environment ?? []).map(({name = '', value = ''}) => shownAssignment(name, value)).join('\n')
}

/**
 * The one-job view: label/value pairs, empty values left out. `environment` is environmentText(job): the JSON view
 * leaves the environment out, so a script never gets a value it did not ask for.
 */
export function jobDetailPairs(view: JobView, context: ViewContext, environment = ''): Array<[string, string]> {
  const {paint, tty} = context
  const pairs: Array<[string, string]> = [
    ['Job', view.jobId],
    ['Name', view.jobName ?? ''],
    ['Status', paintStatus(view.status, paint)],
    ['Reason', view.statusReason ?? ''],
    ['Exit code', view.exitCode === null ? '' : String(view.exitCode)],
    ['Array', arrayText(view)],
    ['Failed children', failedChildrenText(view)],
    [view.node?.numNodes === null ? 'Node' : 'Nodes', nodeText(view)],
    ['Queue', nameOf(view.jobQueue)],
    ['Position', view.queuePosition ? positionText(view.queuePosition) : ''],
    ['Definition', nameOf(view.jobDefinition)],
    ['Image', view.image ?? ''],
    ['Resources', resourceText(view.resources)],
    ['Environment', environment],
    ['Depends on', view.dependsOn.map((d) => (d.type ? `${d.jobId} (${d.type})` : d.jobId)).join('\n')],
    ['Created', when(view.createdAt, context)],
    ['Started', when(view.startedAt, context)],
    ['Stopped', when(view.stoppedAt, context)],
    ['Duration', view.durationSeconds === null ? '' : lasted(view.durationSeconds, tty, 's')],
    ['Log stream', view.logStreamName ?? ''],
    ['Attempts', view.attempts.map((a) => attemptLine(a, tty)).join('\n')],
  ]
  return pairs.filter(([, value]) => value !== '')
}
