/**
 * Rendezvous without shell tricks. A job's command runs without a shell, so `$AWS_BATCH_JOB_NODE_INDEX` typed in
 * it would reach the program unexpanded, and the values differ per node and exist only at run time (AWS sets them
 * when the node starts), so they cannot travel in the node overrides either. Each node's command therefore becomes
 * a tiny POSIX sh wrapper that reads AWS Batch's variables, exports the ones distributed launchers read, and then
 * `exec "$@"`s the user's command unchanged: `-- torchrun --nproc-per-node 8 train.py` works as typed.
 *
 * AWS Batch (user guide, "Multi-node parallel job environment variables") sets AWS_BATCH_JOB_NODE_INDEX,
 * AWS_BATCH_JOB_NUM_NODES and AWS_BATCH_JOB_MAIN_NODE_INDEX on every node, and
 * AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS on child nodes only. The main node has no variable with its own
 * address, so there the wrapper takes MFBATCH_NODE_ADDRESS when the host sets it (the emulator does: 127.0.0.1),
 * else the first address `hostname -i` gives (the node's private address under awsvpc networking), else 127.0.0.1.
 *
 * torchrun reads every flag it has from a `PET_`-prefixed variable when the flag is not given
 * (torch/distributed/argparse_util.py, the `env` action: PET_NNODES, PET_NODE_RANK, PET_MASTER_ADDR,
 * PET_MASTER_PORT), so the node count, rank and main address need not be typed; flags given win over them.
 */
import type {NodeOptions} from './options'

/** What each node's program finds in its environment, for `submit --help` and the dry run. */
export const RENDEZVOUS_VARIABLES: ReadonlyArray<readonly [name: string, meaning: string]> = [
  ['MASTER_ADDR', "the main node's address (AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS on children)"],
  ['MASTER_PORT', '--main-port (default 29500)'],
  ['NODE_RANK', "the node's index, 0 on the main node (AWS_BATCH_JOB_NODE_INDEX)"],
  ['NNODES', 'the number of nodes (AWS_BATCH_JOB_NUM_NODES)'],
  ['PET_MASTER_ADDR', 'torchrun --master-addr'],
  ['PET_MASTER_PORT', 'torchrun --master-port'],
  ['PET_NODE_RANK', 'torchrun --node-rank'],
  ['PET_NNODES', 'torchrun --nnodes'],
]

/** The name `$0` takes inside the wrapper: it shows in `ps` and in sh's own error messages. */
export const WRAPPER_NAME = 'mfbatch-node'

/**
 * The wrapper. Only the port is written into it (a number, checked already); everything else is read at run time.
 * `set -e` stops at a failed assignment; `exec` leaves no shell between AWS and the program, so signals and the
 * exit code are the program's own.
 */
export function rendezvousScript(mainPort: number): string {
  /* eslint-disable no-template-curly-in-string -- sh parameter expansions, expanded by the node's sh, not by us */
  return [
    'set -e',
    'rank="${AWS_BATCH_JOB_NODE_INDEX:-0}"',
    'if [ "$rank" = "${AWS_BATCH_JOB_MAIN_NODE_INDEX:-0}" ]; then',
    '  addr="${MFBATCH_NODE_ADDRESS:-$(hostname -i 2>/dev/null | cut -d " " -f 1 || true)}"',
    'else',
    '  addr="$AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS"',
    'fi',
    'addr="${addr:-127.0.0.1}"',
    'nodes="${AWS_BATCH_JOB_NUM_NODES:-1}"',
    `export MASTER_ADDR="$addr" MASTER_PORT=${mainPort} NODE_RANK="$rank" NNODES="$nodes"`,
    `export PET_MASTER_ADDR="$addr" PET_MASTER_PORT=${mainPort} PET_NODE_RANK="$rank" PET_NNODES="$nodes"`,
    'exec "$@"',
  ].join('\n')
  /* eslint-enable no-template-curly-in-string */
}

/** The command every node runs: the wrapper, then the user's words as its arguments (never parsed by a shell). */
export function rendezvousCommand(command: readonly string[], nodes: NodeOptions): string[] {
  return ['sh', '-c', rendezvousScript(nodes.mainPort), WRAPPER_NAME, ...command]
}
