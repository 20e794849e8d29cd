import type {ResolvedSettings, SettingName, SourceKind} from './types'

/**
 * What `mfbatch config` prints: a table for a person at a terminal, `name<TAB>value<TAB>source` lines for a pipe
 * (like `git config --show-origin`), and the `--json` payload. The JSON shape is a contract under test.
 */
import {CATALOG} from './catalog'

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

export function settingsLines(resolved: ResolvedSettings, tty: boolean): string[] {
  const rows = CATALOG.map(({name}) => [name, valueText(resolved[name].value), resolved[name].origin.label])
  if (!tty) return rows.map((row) => row.join('\t'))
  const table = [['SETTING', 'VALUE', 'SOURCE'], ...rows]
  const widths = [0, 1].map((column) => Math.max(...table.map((row) => row[column].length)))
  return table.map(([name, value, source]) => `${name.padEnd(widths[0])}  ${value.padEnd(widths[1])}  ${source}`)
}

/** Strings print as they are unless a tab or newline would break the line format; everything else as JSON. */
function valueText(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return /[\t\n\r]/.test(value) ? JSON.stringify(value) : value
  return JSON.stringify(value)
}
