/**
 * Multi-node parallel jobs in the engine, as the AWS Batch user guide describes them ("Multi-node parallel jobs",
 * "Job lifecycle for MNP jobs", "Environment variables"):
 * - gang scheduling: the main node is placed only when every node fits the compute environment at once; the
 *   children's share stays reserved while the main node starts;
 * - the main node is launched first; the child nodes once the main node is RUNNING;
 * - every node gets AWS_BATCH_JOB_NODE_INDEX, AWS_BATCH_JOB_NUM_NODES and AWS_BATCH_JOB_MAIN_NODE_INDEX; child nodes
 *   also AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS, the main node's address (all nodes are local processes
 *   here: 127.0.0.1);
 * - the job ends when the main node exits and the children are stopped then; the parent's status, reason, times and
 *   exit code are the main node's.
 * Pure functions of the store; the engine applies what they say.
 */
import type {BatchStore} from '../store'

import {isFinal, JobRecord, JobStatus, Resources} from '../types'

/** Where every node is on the emulator: the one host it runs on. */
export const NODE_ADDRESS = '127.0.0.1'

/** Why a child node is stopped when the main node has ended (emulator wording: the guide gives none). */
export const MAIN_NODE_ENDED = 'Main node exited; the job has ended (emulator wording)'

const isNode = (job: JobRecord): boolean => job.nodeIndex !== undefined

function parentOf(store: BatchStore, job: JobRecord): JobRecord | undefined {
  return job.parentId === undefined ? undefined : store.jobs.get(job.parentId)
}

function mainIndex(parent: JobRecord): number {
  return (parent.spec?.nodeProperties?.mainNode as number | undefined) ?? 0
}

export function isMainNode(store: BatchStore, job: JobRecord): boolean {
  const parent = parentOf(store, job)
  return isNode(job) && parent !== undefined && job.nodeIndex === mainIndex(parent)
}

export function mainNodeOf(store: BatchStore, parent: JobRecord): JobRecord | undefined {
  return store.children.get(parent.jobId)?.[mainIndex(parent)]
}

/** The other nodes of the job `main` is the main node of. */
export function childNodes(store: BatchStore, main: JobRecord): JobRecord[] {
  return (store.children.get(main.parentId!) ?? []).filter((node) => node !== main)
}

const NOT_PLACED: ReadonlySet<JobStatus> = new Set(['PENDING', 'RUNNABLE', 'SUBMITTED'])

function sum(jobs: readonly JobRecord[]): Resources {
  const total: Resources = {gpus: 0, memoryMiB: 0, vcpus: 0}
  for (const job of jobs) {
    total.gpus += job.spec!.resources.gpus
    total.memoryMiB += job.spec!.resources.memoryMiB
    total.vcpus += job.spec!.resources.vcpus
  }

  return total
}

/** What a placed main node holds for its children that are not placed yet (so nothing else takes it). */
export function heldForChildren(store: BatchStore, main: JobRecord): Resources | undefined {
  if (!isMainNode(store, main)) return undefined
  return sum(childNodes(store, main).filter((child) => NOT_PLACED.has(child.status)))
}

export type NodePlacement =
  /** A child node whose main node is RUNNING: it goes where the main node is, into capacity already held. */
  | {ce: string; kind: 'child'}
  /** The main node: placed only where the whole gang fits. */
  | {kind: 'gang'; need: Resources}
  /** A child node whose main node is not RUNNING yet. */
  | {kind: 'hold'}

/** How the scheduler treats a RUNNABLE node; undefined for any other job. */
export function nodePlacement(store: BatchStore, job: JobRecord): NodePlacement | undefined {
  if (!isNode(job)) return undefined
  if (isMainNode(store, job)) return {kind: 'gang', need: sum(store.children.get(job.parentId!) ?? [])}
  const main = mainNodeOf(store, parentOf(store, job)!)
  return main?.status === 'RUNNING' && main.ceName !== undefined ? {ce: main.ceName, kind: 'child'} : {kind: 'hold'}
}

/** The AWS_BATCH_JOB_* variables of a node, for its attempt's environment. */
export function nodeVariables(store: BatchStore, job: JobRecord): Record<string, string> {
  const parent = parentOf(store, job)
  if (!isNode(job) || !parent) return {}
  const env: Record<string, string> = {
    AWS_BATCH_JOB_MAIN_NODE_INDEX: String(mainIndex(parent)),
    AWS_BATCH_JOB_NODE_INDEX: String(job.nodeIndex),
    AWS_BATCH_JOB_NUM_NODES: String(parent.numNodes),
    // The host's own hint for the node's address (mfbatch's rendezvous wrapper reads it on the main node, which
    // AWS gives no variable with its own address).
    MFBATCH_NODE_ADDRESS: NODE_ADDRESS,
  }
  // "This variable is only set in multi-node parallel job child nodes" (user guide, "Environment variables").
  if (job.nodeIndex !== mainIndex(parent)) env.AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS = NODE_ADDRESS
  return env
}

/** The parent's status as its main node decides it (user guide: the job's final status is the main node's). */
export function parentFollowsMain(store: BatchStore, parent: JobRecord): JobStatus | undefined {
  if (parent.numNodes === undefined || isFinal(parent.status)) return undefined
  const main = mainNodeOf(store, parent)
  return main?.status
}

export const isMultiNodeParent = (job: JobRecord): boolean => job.numNodes !== undefined
