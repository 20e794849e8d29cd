import {palette} from '../../../src/output/color'
import {type Column, plainField, renderPairs, renderTable} from '../../../src/output/table'

interface Row {
  id: string
  reason: string
  status: string
}

const {red} = palette(true)
const columns: Array<Column<Row>> = [
  {header: 'id', value: (row) => row.id},
  {header: 'status', value: (row) => (row.status === 'FAILED' ? red(row.status) : row.status)},
  {header: 'reason', shrink: true, value: (row) => row.reason},
]
const rows: Row[] = [
  {id: 'a1', reason: 'Essential container in task exited', status: 'FAILED'},
  {id: 'b22', reason: '', status: 'RUNNING'},
]

describe('renderTable', () => {
  test('in a pipe: tab-separated plain fields, no header, no colour', () => {
    expect(renderTable(columns, rows, {tty: false})).toEqual([
      'a1\tFAILED\tEssential container in task exited',
      'b22\tRUNNING\t',
    ])
  })

  test('on a terminal: aligned under an upper-case header, colour kept, trailing spaces trimmed', () => {
    expect(renderTable(columns, rows, {tty: true})).toEqual([
      'ID   STATUS   REASON',
      `a1   ${red('FAILED')}   Essential container in task exited`,
      'b22  RUNNING',
    ])
  })

  test('cuts the shrinkable column to the terminal width', () => {
    expect(renderTable(columns, rows, {columns: 30, tty: true})).toEqual([
      'ID   STATUS   REASON',
      `a1   ${red('FAILED')}   Essential conta…`,
      'b22  RUNNING',
    ])
  })

  test('no rows: only the header on a terminal, nothing in a pipe', () => {
    expect(renderTable(columns, [], {tty: true})).toEqual(['ID  STATUS  REASON'])
    expect(renderTable(columns, [], {tty: false})).toEqual([])
  })
})

describe('plainField', () => {
  test('plainField keeps one record on one line', () => {
    expect(plainField(`a\tb\nc\r\n${red('d')}`)).toBe('a b c d')
  })
})

describe('renderPairs', () => {
  const pairs: Array<[string, string]> = [
    ['Job', 'a1'],
    ['Attempts', '1 FAILED\n2 SUCCEEDED'],
  ]
  test('on a terminal: aligned labels, continuation lines indented', () => {
    expect(renderPairs(pairs, {tty: true})).toEqual(['Job:       a1', 'Attempts:  1 FAILED', '           2 SUCCEEDED'])
  })

  test('in a pipe: label and value separated by a tab', () => {
    expect(renderPairs(pairs, {tty: false})).toEqual(['Job\ta1', 'Attempts\t1 FAILED 2 SUCCEEDED'])
  })
})
