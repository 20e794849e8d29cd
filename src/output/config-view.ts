/**
 * What `mfbatch config` prints: a table for a person at a terminal, `name<TAB>value<TAB>source` lines for a pipe
 * (like `git config --show-origin`), and the `--json` payload. The JSON shape is a contract under test.
 */
import type {SettingProblems} from '../config/check'
import type {ResolvedSettings, SettingName, SourceKind} from '../config/types'

import {CATALOG} from '../config/catalog'
import {type Column, renderTable, type TableOptions} from './table'

export interface SettingsPayload {
  /** `error` only on a setting whose value is wrong: the sentence that names its source and what is allowed. */
  settings: Record<SettingName, {error?: string; label: string; source: SourceKind; value: unknown}>
}

/** `value` is null, not absent, for a setting nothing sets: every name is always present. */
export function settingsPayload(resolved: ResolvedSettings, problems: SettingProblems = {}): SettingsPayload {
  const settings = {} as SettingsPayload['settings']
  for (const {name} of CATALOG) {
    const {origin, value} = resolved[name]
    settings[name] = {label: origin.label, source: origin.kind, value: value ?? null}
    const error = problems[name]
    if (error !== undefined) settings[name].error = error
  }

  return {settings}
}

interface Row {
  label: string
  name: SettingName
  problem?: string
  value: unknown
}

const COLUMNS: ReadonlyArray<Column<Row>> = [
  {header: 'setting', value: (row) => row.name},
  {header: 'value', shrink: true, value: (row) => valueText(row.value)},
  {header: 'source', shrink: true, value: (row) => row.label},
]

/**
 * A wrong value gets a fourth column saying what is wrong with it ("invalid: use a number"), so the table shows
 * which row to fix; the whole sentences go to stderr (problemLines). Scripts reading the first three fields of
 * the tab-separated lines read them as before.
 */
const PROBLEM: Column<Row> = {header: 'problem', shrink: true, value: (row) => row.problem ?? ''}

export function settingsLines(
  resolved: ResolvedSettings,
  options: TableOptions,
  problems: SettingProblems = {},
): string[] {
  const rows = CATALOG.map(({name}) => ({
    label: resolved[name].origin.label,
    name,
    problem: problems[name] === undefined ? undefined : `invalid: ${allowedPart(problems[name])}`,
    value: resolved[name].value,
  }))
  const columns = Object.keys(problems).length > 0 ? [...COLUMNS, PROBLEM] : COLUMNS
  return renderTable(columns, rows, options)
}

/** The stderr lines under the table: one sentence per wrong value, in the catalog's order. */
export function problemLines(problems: SettingProblems): string[] {
  return CATALOG.flatMap(({name}) => problems[name] ?? [])
}

/** `SOURCE: "lots" is not allowed; use a number` -> `use a number`; other sentences whole. */
function allowedPart(problem: string): string {
  const at = problem.indexOf(' is not allowed; ')
  return at === -1 ? problem.slice(problem.lastIndexOf(': ') + 2) : problem.slice(at + ' is not allowed; '.length)
}

/** Strings print as they are; lists and objects as JSON; an unset value as nothing. */
function valueText(value: unknown): string {
  if (value === undefined || value === null) return ''
  return typeof value === 'string' ? value : JSON.stringify(value)
}
