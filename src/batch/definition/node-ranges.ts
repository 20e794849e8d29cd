/**
 * A multi-node job's two requests, made from the single-node ones (requests.ts) so every flag lands in the same
 * place: the definition's containerProperties become the container of one node range covering every node, and
 * SubmitJob's containerOverrides become that range's node overrides, with the command wrapped for rendezvous
 * (../nodes/rendezvous.ts). The API reference, "NodeProperties" and "NodeOverrides": `numNodes`, `mainNode` and
 * `nodeRangeProperties[].targetNodes` ("0:" = node 0 to the last) are required in the definition; a multinode
 * definition has no `containerProperties` of its own, and SubmitJob takes `nodeOverrides` instead of
 * `containerOverrides`. The range is open-ended ("0:") because AWS accepts `nodeOverrides.numNodes` only when a
 * range has no upper bound; the definition still records the real count, so describing it tells the truth.
 */
import type {
  ContainerProperties,
  NodeOverrides,
  RegisterJobDefinitionCommandInput,
  SubmitJobCommandInput,
} from '@aws-sdk/client-batch'

import type {NodeOptions} from '../nodes/options'

import {rendezvousCommand} from '../nodes/rendezvous'

/** Every node, main node first: the one node range mfbatch makes. */
export const ALL_NODES = '0:'
/** The main node is node 0 (Metaflow's @parallel and TorchX do the same). */
export const MAIN_NODE = 0

type Definition = Omit<RegisterJobDefinitionCommandInput, 'jobDefinitionName'>

/** The single-node definition as a multinode one: same container, one range over all nodes, EC2 only. */
export function multiNodeDefinition(single: Definition, nodes: NodeOptions): Definition {
  const {containerProperties, ...rest} = single
  const container: ContainerProperties = {...containerProperties}
  return {
    ...rest,
    nodeProperties: {
      mainNode: MAIN_NODE,
      nodeRangeProperties: [{container, targetNodes: ALL_NODES}],
      numNodes: nodes.count,
    },
    type: 'multinode',
  }
}

/** The single-node SubmitJob as a multinode one: the container overrides move into the node overrides. */
export function multiNodeSubmit(single: SubmitJobCommandInput, nodes: NodeOptions): SubmitJobCommandInput {
  const {containerOverrides, ...rest} = single
  const overrides = {...containerOverrides, command: rendezvousCommand(containerOverrides?.command ?? [], nodes)}
  const nodeOverrides: NodeOverrides = {
    nodePropertyOverrides: [{containerOverrides: overrides, targetNodes: ALL_NODES}],
    numNodes: nodes.count,
  }
  return {...rest, nodeOverrides}
}
