/**
 * Multi-node definitions and overrides, pure (API reference, "NodeProperties", "NodeRangeProperty",
 * "NodeOverrides"): `targetNodes` is "start:end", either end optional (":" all nodes, "2:" node 2 to the last);
 * every node must be covered by a range; `nodeOverrides.numNodes` needs a range with an open upper end. Where
 * several ranges cover a node, the last one given wins (the API reference is silent; later entries refine).
 */
import {ApiError} from '../../contract'
import {ContainerOverrides, ContainerProperties} from '../types'

export interface NodeRange {
  container?: ContainerProperties
  targetNodes: string
}

export interface NodeProperties {
  mainNode: number
  nodeRangeProperties: NodeRange[]
  numNodes: number
}

export interface NodeOverride {
  containerOverrides?: ContainerOverrides
  targetNodes: string
}

export interface NodeOverrides {
  nodePropertyOverrides?: NodeOverride[]
  numNodes?: number
}

const clientError = (message: string): ApiError => new ApiError('ClientException', message)

/** The range "start:end" as numbers, end undefined when open; undefined when malformed. */
export function parseRange(text: string, numNodes: number): undefined | {end?: number; start: number} {
  const match = /^(\d*)(?::(\d*))?$/.exec(text)
  if (!match) return undefined
  const start = match[1] === '' ? 0 : Number(match[1])
  const end = match[2] === undefined ? start : match[2] === '' ? undefined : Number(match[2])
  if ((end !== undefined && end < start) || start >= numNodes) return undefined
  return {end, start}
}

const covers = (text: string, numNodes: number, index: number): boolean => {
  const range = parseRange(text, numNodes)
  return range !== undefined && index >= range.start && (range.end === undefined || index <= range.end)
}

export function checkNodeProperties(
  properties: NodeProperties | undefined,
  checkContainer: (container: ContainerProperties | undefined) => void,
): void {
  if (properties === undefined) throw clientError('nodeProperties must be provided for a multinode job definition')
  const {mainNode, nodeRangeProperties, numNodes} = properties
  if (numNodes < 1) throw clientError('nodeProperties numNodes must be at least 1')
  if (mainNode < 0 || mainNode >= numNodes) throw clientError('nodeProperties mainNode must be less than numNodes')
  for (const range of nodeRangeProperties) {
    if (!parseRange(range.targetNodes, numNodes)) {
      throw clientError(`targetNodes ${range.targetNodes} is not a valid node range for ${numNodes} nodes`)
    }

    checkContainer(range.container)
  }

  for (let i = 0; i < numNodes; i++) {
    if (!nodeRangeProperties.some((r) => covers(r.targetNodes, numNodes, i))) {
      throw clientError(`node ${i} is not covered by any nodeRangeProperties targetNodes`)
    }
  }
}

/** The node count a job runs with: the override's when given (it needs an open-ended range), else the definition's. */
export function nodeCount(properties: NodeProperties, overrides: NodeOverrides | undefined): number {
  const wanted = overrides?.numNodes
  if (wanted === undefined) return properties.numNodes
  const open = properties.nodeRangeProperties.some(
    (r) => parseRange(r.targetNodes, properties.numNodes)?.end === undefined,
  )
  if (!open) throw clientError('nodeOverrides numNodes needs a node range with an open upper bound, such as "0:"')
  if (wanted <= properties.mainNode) throw clientError('nodeOverrides numNodes must be greater than mainNode')
  return wanted
}

/** Node `index`'s container and overrides: the last range and the last override that cover it. */
export function nodeParts(
  properties: NodeProperties,
  overrides: NodeOverrides | undefined,
  numNodes: number,
  index: number,
): {container: ContainerProperties; overrides?: ContainerOverrides} {
  const range = properties.nodeRangeProperties.findLast((r) => covers(r.targetNodes, numNodes, index))
  const override = overrides?.nodePropertyOverrides?.findLast((o) => covers(o.targetNodes, numNodes, index))
  return {container: range?.container ?? {}, overrides: override?.containerOverrides}
}
