/**
 * The table as it travels: an object in S3 beside the packages, `<root>/mfbatch/tasks/<sha256>.env`, named by the
 * SHA-256 of its bytes (the same table is stored once). One line a row, already in the form the job's sh takes:
 * line N+2 is `export NAME='value' ...` for child N, so the wrapper (wrapper.ts) picks its line with sed and evals
 * it, after checking the SHA-256. A line break inside a value is written as `'"$_Tn"'` (the wrapper sets _Tn to one),
 * so every row stays on one line. `status` and `rerun --failed` read the rows back with decodeTasks.
 */
import {createHash} from 'node:crypto'

import type {PackageLocation, PackageRoot} from '../package/root'
import type {TaskTable} from './table'

export const TASKS_PREFIX = 'mfbatch/tasks/'
const FIRST_LINE = '# mfbatch task table: child N (AWS_BATCH_JOB_ARRAY_INDEX) exports line N+2'

export interface StoredTasks {
  body: string
  sha256: string
}

/** One value as a single sh word, on one line. */
function shWord(value: string): string {
  return `'${value.replaceAll("'", String.raw`'\''`).replaceAll('\n', `'"$_Tn"'`)}'`
}

export function encodeTasks(table: TaskTable): StoredTasks {
  const lines = table.rows.map((row) => `export ${table.names.map((name, i) => `${name}=${shWord(row[i])}`).join(' ')}`)
  const body = `${[FIRST_LINE, ...lines].join('\n')}\n`
  return {body, sha256: createHash('sha256').update(body).digest('hex')}
}

/** The rows back from a stored table (what encodeTasks wrote); undefined when the text is not one. */
export function decodeTasks(text: string): TaskTable | undefined {
  const [first, ...lines] = text.split('\n')
  if (first !== FIRST_LINE) return undefined
  const rows: Array<Array<[string, string]>> = []
  for (const line of lines) {
    if (line === '') continue
    const pairs = decodeRow(line)
    if (!pairs) return undefined
    rows.push(pairs)
  }

  const names = rows[0]?.map(([name]) => name) ?? []
  return {names, rows: rows.map((pairs) => pairs.map(([, value]) => value))}
}

function decodeRow(line: string): Array<[string, string]> | undefined {
  if (!line.startsWith('export ')) return undefined
  const pairs: Array<[string, string]> = []
  let rest = line.slice('export '.length)
  while (rest !== '') {
    const name = /^([A-Z_a-z]\w*)=/.exec(rest)
    if (!name) return undefined
    rest = rest.slice(name[0].length)
    let value = ''
    for (;;) {
      const quoted = /^'([^']*)'/.exec(rest)
      if (quoted) {
        value += quoted[1]
        rest = rest.slice(quoted[0].length)
      } else if (rest.startsWith(String.raw`\'`)) {
        value += "'"
        rest = rest.slice(2)
      } else if (rest.startsWith('"$_Tn"')) {
        value += '\n'
        rest = rest.slice('"$_Tn"'.length)
      } else break
    }

    pairs.push([name[1], value])
    if (rest.startsWith(' ')) rest = rest.slice(1)
    else if (rest !== '') return undefined
  }

  return pairs
}

export function tasksLocation(root: PackageRoot, sha256: string): PackageLocation {
  const key = `${root.prefix ? `${root.prefix}/` : ''}${TASKS_PREFIX}${sha256}.env`
  return {bucket: root.bucket, key, url: `s3://${root.bucket}/${key}`}
}

/** `s3://BUCKET/KEY` back into its parts (the tag `status` and `rerun` read). */
export function parseS3Url(url: string): undefined | {bucket: string; key: string} {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url)
  return match ? {bucket: match[1], key: match[2]} : undefined
}

/** A row as `lr=0.1 epochs=3` for a table view. */
export function rowText(names: readonly string[], row: readonly string[]): string {
  return names.map((name, i) => `${name}=${/^[\w%+,./:@-]*$/.test(row[i]) ? row[i] : JSON.stringify(row[i])}`).join(' ')
}
