/**
 * What `mfbatch config` prints: a table for a person at a terminal, `name<TAB>value<TAB>source` lines for a pipe
 * (like `git config --show-origin`), and the `--json` payload. The JSON shape is a contract under test.
 */
import type {ResolvedSettings, SettingName, SourceKind} from '../config/types'

import {CATALOG} from '../config/catalog'
import {type Column, renderTable, type TableOptions} from './table'

export interface SettingsPayload {
  settings: Record<SettingName, {label: string; source: SourceKind; value: unknown}>
}

/** `value` is null, not absent, for a setting nothing sets: every name is always present. */
export function settingsPayload(resolved: ResolvedSettings): SettingsPayload {
  const settings = {} as SettingsPayload['settings']
  for (const {name} of CATALOG) {
    const {origin, value} = resolved[name]
    settings[name] = {label: origin.label, source: origin.kind, value: value ?? null}
  }

  return {settings}
}

interface Row {
  label: string
  name: SettingName
  value: unknown
}

const COLUMNS: ReadonlyArray<Column<Row>> = [
  {header: 'setting', value: (row) => row.name},
  {header: 'value', shrink: true, value: (row) => valueText(row.value)},
  {header: 'source', shrink: true, value: (row) => row.label},
]

export function settingsLines(resolved: ResolvedSettings, options: TableOptions): string[] {
  const rows = CATALOG.map(({name}) => ({label: resolved[name].origin.label, name, value: resolved[name].value}))
  return renderTable(COLUMNS, rows, options)
}

/** Strings print as they are; lists and objects as JSON; an unset value as nothing. */
function valueText(value: unknown): string {
  if (value === undefined || value === null) return ''
  return typeof value === 'string' ? value : JSON.stringify(value)
}
