/**
 * `--nodes N` and `--main-port P`, checked before any API call. One node is a plain job, so N starts at 2; mfbatch
 * stops at 1000 (NodeProperties.numNodes has no bound in the API model; a job that size already needs its own
 * compute environment). Multi-node jobs run on EC2 only (AWS Batch user guide, "Multi-node parallel jobs": Fargate
 * compute environments do not take them) and are not array jobs: the guide describes them as separate job kinds,
 * and a node index next to an array index would make `JOB:N#M` ids nothing else reads.
 */
import type {Sourced} from '../../config/types'
import type {Platform} from '../queues/platform'

import {invalid} from '../../errors'
import {integer, isSet} from '../parse/values'

export interface NodeOptions {
  /** Number of nodes, 2..1000; node 0 is the main node. */
  count: number
  /** MASTER_PORT on every node. */
  mainPort: number
}

export const MIN_NODES = 2
export const MAX_NODES = 1000
/** torchrun's own default for --master-port. */
export const DEFAULT_MAIN_PORT = 29_500

export interface NodeSettings {
  arraySize?: Sourced
  mainPort?: Sourced
  nodes?: Sourced
}

/** The node options, or undefined for a single-node job; an InputError naming the flag otherwise. */
export function buildNodeOptions(s: NodeSettings, platform: Platform): NodeOptions | undefined {
  const count = integer(
    s.nodes,
    {max: MAX_NODES, min: MIN_NODES},
    `use a whole number from ${MIN_NODES} to ${MAX_NODES}`,
  )
  if (count === undefined) {
    if (isSet(s.mainPort)) throw invalid(s.mainPort.origin.label, s.mainPort.value, 'it needs --nodes N (2 or more)')
    return undefined
  }

  if (platform === 'FARGATE') {
    throw invalid(s.nodes!.origin.label, s.nodes!.value, 'multi-node jobs run only on EC2 queues, not on Fargate')
  }

  if (isSet(s.arraySize)) {
    throw invalid(
      s.nodes!.origin.label,
      s.nodes!.value,
      'a job is either multi-node or an array job; drop --array-size',
    )
  }

  const mainPort = integer(s.mainPort, {max: 65_535, min: 1}, 'use a TCP port from 1 to 65535') ?? DEFAULT_MAIN_PORT
  return {count, mainPort}
}
