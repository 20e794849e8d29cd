import {execFileSync, spawnSync} from 'node:child_process'
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {decodeTasks, encodeTasks, rowText} from '../../../../src/batch/tasks/stored'
import {csvRecords, MAX_TASK_ROWS, parseTaskTable, tableFormat} from '../../../../src/batch/tasks/table'
import {wrapTasks} from '../../../../src/batch/tasks/wrapper'

const fail = (line: number, why: string): never => {
  throw new Error(`line ${line}: ${why}`)
}

const rows = (n: number) => `i\n${Array.from({length: n}, (_, i) => i).join('\n')}\n`
const cells = (text: string) => csvRecords(text, fail).map((record) => [record.line, ...record.cells])

describe('CSV records (RFC 4180)', () => {
  test.each<[string, string, Array<Array<number | string>>]>([
    [
      'plain rows',
      'a,b\n1,2\n',
      [
        [1, 'a', 'b'],
        [2, '1', '2'],
      ],
    ],
    [
      'CRLF line ends',
      'a,b\r\n1,2\r\n',
      [
        [1, 'a', 'b'],
        [2, '1', '2'],
      ],
    ],
    [
      'no final line break',
      'a,b\n1,2',
      [
        [1, 'a', 'b'],
        [2, '1', '2'],
      ],
    ],
    [
      'quoted comma',
      'a\n"x,y"\n',
      [
        [1, 'a'],
        [2, 'x,y'],
      ],
    ],
    [
      'doubled quote',
      'a\n"say ""hi"""\n',
      [
        [1, 'a'],
        [2, 'say "hi"'],
      ],
    ],
    [
      'line break in quotes, next record on line 4',
      'a,b\n"1\n2",3\n4,5\n',
      [
        [1, 'a', 'b'],
        [2, '1\n2', '3'],
        [4, '4', '5'],
      ],
    ],
    [
      'empty fields',
      'a,b,c\n,,\n',
      [
        [1, 'a', 'b', 'c'],
        [2, '', '', ''],
      ],
    ],
    [
      'empty quoted field',
      'a,b\n"",x\n',
      [
        [1, 'a', 'b'],
        [2, '', 'x'],
      ],
    ],
    [
      'empty lines skipped',
      'a\n\n1\n\n',
      [
        [1, 'a'],
        [3, '1'],
      ],
    ],
    [
      'spaces kept',
      'a, b\n 1 ,2\n',
      [
        [1, 'a', ' b'],
        [2, ' 1 ', '2'],
      ],
    ],
  ])('%s', (_name, text, expected) => {
    expect(cells(text)).toEqual(expected)
  })

  test.each([
    ['a\n"open\n', 'line 2: a quoted field is not closed; end it with "'],
    ['a\n"x"y\n', 'line 2: text after a closing quote; a quoted field ends at its closing " (write "" for a quote)'],
    ['a\nx"y\n', 'line 2: a quote inside an unquoted field; quote the whole field and write "" for "'],
  ])('refuses %j', (text, message) => {
    expect(() => cells(text)).toThrow(message)
  })
})

describe('parseTaskTable', () => {
  test('TSV by extension: tabs split, quotes are text', () => {
    expect(parseTaskTable('p.tsv', 'lr\tnote\n0.1\t"a,b"\n0.01\t\n')).toEqual({
      names: ['lr', 'note'],
      rows: [
        ['0.1', '"a,b"'],
        ['0.01', ''],
      ],
    })
  })

  test('format by the header when the name says nothing', () => {
    expect(tableFormat('params', 'a\tb\n1\t2')).toBe('tsv')
    expect(tableFormat('params.txt', 'a,b\n1,2')).toBe('csv')
    expect(tableFormat('P.CSV', 'a\tb')).toBe('csv')
  })

  test('a BOM and CRLF are not part of the names', () => {
    expect(parseTaskTable('p.csv', '\uFEFFlr,epochs\r\n0.1,3\r\n').names).toEqual(['lr', 'epochs'])
  })

  test.each([
    ['p.csv', '', '--tasks: p.csv is empty; give a header row of variable names, then one row per task'],
    ['p.csv', 'lr,epochs\n', '--tasks: p.csv line 1: the table has a header but no rows; add one row per task'],
    [
      'p.csv',
      'lr,epochs\n0.1,3\n0.2\n',
      '--tasks: p.csv line 3: 1 field, but the header has 2; every row needs one value per column',
    ],
    [
      'p.tsv',
      'lr\tepochs\n0.1\t3\t9\n',
      '--tasks: p.tsv line 2: 3 fields, but the header has 2; every row needs one value per column',
    ],
    [
      'p.csv',
      'lr,learning-rate\n1,2\n',
      '--tasks: p.csv line 1: "learning-rate" is not a variable name; header names are letters, digits and _, not ' +
        'starting with a digit (this file was read as CSV: comma-separated)',
    ],
    [
      'p.tsv',
      '1x\n1\n',
      '--tasks: p.tsv line 1: "1x" is not a variable name; header names are letters, digits and _, not starting with a digit',
    ],
    [
      'p.csv',
      'AWS_BATCH_JOB_ID\n1\n',
      '--tasks: p.csv line 1: AWS_BATCH_JOB_ID is reserved (AWS_BATCH_*, MFBATCH_*, ECS_*); rename the column',
    ],
    ['p.csv', 'a,a\n1,2\n', '--tasks: p.csv line 1: a is named twice; every column needs its own name'],
    ['p.csv', 'a\n1\n"2\n', '--tasks: p.csv line 3: a quoted field is not closed; end it with "'],
  ])('%s %j is refused', (file, text, message) => {
    expect(() => parseTaskTable(file, text)).toThrow(message)
  })

  test('10,000 rows pass; 10,001 are refused on the line of row 10,001', () => {
    expect(parseTaskTable('p.csv', rows(MAX_TASK_ROWS)).rows).toHaveLength(MAX_TASK_ROWS)
    expect(() => parseTaskTable('p.csv', rows(MAX_TASK_ROWS + 1))).toThrow(
      '--tasks: p.csv line 10002: more than 10000 rows; AWS Batch runs at most 10,000 array children',
    )
  })
})

describe('the stored table', () => {
  const table = {
    names: ['lr', 'note'],
    rows: [
      ['0.1', 'it\'s\na "x" $HOME `id`'],
      ['0.2', ''],
    ],
  }

  test('decodes to what was encoded; the same table, the same SHA-256', () => {
    const stored = encodeTasks(table)
    expect(decodeTasks(stored.body)).toEqual(table)
    expect(encodeTasks(table).sha256).toBe(stored.sha256)
    expect(stored.body.split('\n')).toHaveLength(4)
  })

  test('a row for a view', () => {
    expect(rowText(table.names, table.rows[0])).toBe('lr=0.1 note="it\'s\\na \\"x\\" $HOME `id`"')
  })

  test('the wrapper exports child N’s row, exactly, and runs the command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfbatch-tasks-test-'))
    try {
      const stored = encodeTasks(table)
      writeFileSync(join(dir, 'table'), stored.body)
      // A fake aws CLI: `aws s3 cp SRC DEST` copies the table.
      writeFileSync(join(dir, 'aws'), `#!/bin/sh\nfor a; do last=$a; done\ncp "${join(dir, 'table')}" "$last"\n`)
      chmodSync(join(dir, 'aws'), 0o755)
      const command = wrapTasks(['sh', '-c', 'printf "%s|%s" "$lr" "$note"'], {
        bucket: 'b',
        key: 'k',
        sha256: stored.sha256,
      })
      const run = (index: string) =>
        execFileSync(command[0], command.slice(1), {
          encoding: 'utf8',
          env: {AWS_BATCH_JOB_ARRAY_INDEX: index, PATH: `${dir}:${process.env.PATH}`, TMPDIR: dir},
        })
      expect(run('0')).toBe(`0.1|${table.rows[0][1]}`)
      expect(run('1')).toBe('0.2|')
      const bad = wrapTasks(['true'], {bucket: 'b', key: 'k', sha256: '0'.repeat(64)})
      const refused = spawnSync(bad[0], bad.slice(1), {
        encoding: 'utf8',
        env: {PATH: `${dir}:${process.env.PATH}`, TMPDIR: dir},
      })
      expect(refused.status).toBe(1)
      expect(refused.stderr).toBe(
        `mfbatch-tasks: the task table s3://b/k has sha256 ${stored.sha256}, expected ${'0'.repeat(64)}; submit again\n`,
      )
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })
})
