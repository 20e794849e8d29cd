/**
 * The rendezvous wrapper, run for real by /bin/sh (no sleep, a few milliseconds): what each node's program finds in
 * its environment, from the variables AWS Batch sets on a main node and on a child node.
 */
import {spawnSync} from 'node:child_process'

import {rendezvousCommand} from '../../../../src/batch/nodes/rendezvous'

const NAMES = ['MASTER_ADDR', 'MASTER_PORT', 'NODE_RANK', 'NNODES', 'PET_MASTER_ADDR', 'PET_MASTER_PORT']
const NAMES_2 = ['PET_NODE_RANK', 'PET_NNODES']

/** Runs `command` with exactly `env` (plus PATH) and returns the variables it printed, one `NAME=VALUE` a line. */
function runNode(env: Record<string, string>, mainPort = 29_500): Record<string, string> {
  const print = [...NAMES, ...NAMES_2].map((name) => `"${name}=$${name}"`).join(' ')
  const script = `printf '%s\\n' ${print}; printf 'ARGS='; printf '%s|' "$@"`
  const [file, ...args] = rendezvousCommand(['sh', '-c', script, 'x', 'a b', '$HOME'], {count: 3, mainPort})
  const result = spawnSync(file, args, {encoding: 'utf8', env: {PATH: process.env.PATH!, ...env}})
  expect(result.status).toBe(0)
  return Object.fromEntries(
    result.stdout.split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  )
}

const AWS_CHILD = {
  AWS_BATCH_JOB_MAIN_NODE_INDEX: '0',
  AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS: '10.0.1.7',
  AWS_BATCH_JOB_NODE_INDEX: '2',
  AWS_BATCH_JOB_NUM_NODES: '3',
}

describe('the rendezvous wrapper', () => {
  test('a child node: the main node address from AWS, its own rank; arguments reach the program untouched', () => {
    expect(runNode(AWS_CHILD, 1234)).toEqual({
      ARGS: 'a b|$HOME|',
      MASTER_ADDR: '10.0.1.7',
      MASTER_PORT: '1234',
      NNODES: '3',
      NODE_RANK: '2',
      PET_MASTER_ADDR: '10.0.1.7',
      PET_MASTER_PORT: '1234',
      PET_NNODES: '3',
      PET_NODE_RANK: '2',
    })
  })

  test('the main node: its own address as the host gives it', () => {
    const env = {
      AWS_BATCH_JOB_MAIN_NODE_INDEX: '0',
      AWS_BATCH_JOB_NODE_INDEX: '0',
      AWS_BATCH_JOB_NUM_NODES: '3',
      MFBATCH_NODE_ADDRESS: '127.0.0.1',
    }
    expect(runNode(env)).toEqual({
      ARGS: 'a b|$HOME|',
      MASTER_ADDR: '127.0.0.1',
      MASTER_PORT: '29500',
      NNODES: '3',
      NODE_RANK: '0',
      PET_MASTER_ADDR: '127.0.0.1',
      PET_MASTER_PORT: '29500',
      PET_NNODES: '3',
      PET_NODE_RANK: '0',
    })
  })

  test('the main node without a host hint: the first address hostname -i gives, never empty', () => {
    const node = runNode({
      AWS_BATCH_JOB_MAIN_NODE_INDEX: '0',
      AWS_BATCH_JOB_NODE_INDEX: '0',
      AWS_BATCH_JOB_NUM_NODES: '2',
    })
    expect(node.MASTER_ADDR).toMatch(/^[\d.:a-f]+$/)
    expect(node.PET_MASTER_ADDR).toBe(node.MASTER_ADDR)
  })
})
