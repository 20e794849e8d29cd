/**
 * Help at 80 columns (a pipe gets 80, as does an 80-column terminal): every line fits, and a table in a description
 * (ENVIRONMENT, EXIT CODES, the rendezvous variables of `submit --help`) keeps its indentation when a row wraps:
 * the row continues under its second column, not at the left margin. The top-level summary wraps between words.
 */
import {runCli} from '../helpers/emulator'
import {runOnTerminal} from '../helpers/terminal'

const pages = ['', 'submit', 'status', 'logs', 'queues', 'kill', 'rerun', 'config', 'emulator env']

describe('help at 80 columns', () => {
  test.each(pages)('mfbatch %s --help: no line wider than 80', async (page) => {
    const run = await runCli([...page.split(' ').filter(Boolean), '--help'])
    expect(run.code).toBe(0)
    expect(run.stdout.split('\n').filter((line) => line.length > 80)).toEqual([])
  })

  test('submit --help: wrapped rows continue under their second column', async () => {
    const lines = (await runCli(['submit', '--help'])).stdout.split('\n')
    const rowAndNext = (start: RegExp) => {
      const at = lines.findIndex((line) => start.test(line))
      return lines.slice(at, at + 2)
    }

    expect(rowAndNext(/^ {2}METAFLOW_BATCH_DEFAULT_TAGS /)).toEqual([
      '  METAFLOW_BATCH_DEFAULT_TAGS          Tags every job gets; --tag values are',
      `${' '.repeat(39)}merged over them`,
    ])
    expect(rowAndNext(/^ {2}MFBATCH_CACHE_DIR /)).toEqual([
      '  MFBATCH_CACHE_DIR                    where submit remembers queues,',
      `${' '.repeat(39)}definitions and recent jobs (default`,
    ])
    expect(rowAndNext(/^ {4}1-255 /)).toEqual([
      "    1-255   the job FAILED; its container's exit code (an array job: its",
      `${' '.repeat(12)}lowest-index failed child's; several jobs: the first failure's)`,
    ])
    expect(rowAndNext(/^ {4}MASTER_ADDR /)).toEqual([
      "    MASTER_ADDR      the main node's address",
      `${' '.repeat(21)}(AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS on children)`,
    ])
  })

  test('mfbatch --help on an 80-column terminal: the summary wraps between words', async () => {
    const run = await runOnTerminal(['--help'], {columns: 80, env: {NO_COLOR: '1'}, rows: 60})
    const lines = run.output.replaceAll('\r\n', '\n').split('\n')
    expect(run.code).toBe(0)
    expect(lines.slice(0, 2)).toEqual([
      "Run containers on AWS Batch the way Metaflow's @batch does, from a terminal, a",
      'script or a Makefile',
    ])
    expect(lines.filter((line) => line.length > 80)).toEqual([])
  })
})
