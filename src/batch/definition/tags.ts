/**
 * Job tags: `--tag K=V` merged over the default tags (METAFLOW_BATCH_DEFAULT_TAGS). Metaflow sends user tags only
 * when METAFLOW_BATCH_EMIT_TAGS is set; we always send them, checked against AWS's tagging rules first.
 */
import type {Sourced} from '../../config/types'

import {InputError, invalid} from '../../errors'
import {keyValues} from '../parse/values'

const MAX_TAGS = 50

export function buildTags(defaultTags: Sourced | undefined, tags: Sourced | undefined): Record<string, string> {
  const out = new Map<string, string>()
  for (const source of [defaultTags, tags]) {
    const allowed = 'use KEY=VALUE (as a JSON object in config files and METAFLOW_BATCH_DEFAULT_TAGS)'
    for (const [key, value] of keyValues(source, '=', allowed)) {
      const shown = `${key}=${value}`
      const {label} = source!.origin
      if (key.length > 128) throw invalid(label, shown, 'tag keys are at most 128 characters')
      if (value.length > 256) throw invalid(label, shown, 'tag values are at most 256 characters')
      if (key.toLowerCase().startsWith('aws:')) throw invalid(label, shown, 'tag keys starting with aws: are reserved')
      out.set(key, value)
    }
  }

  if (out.size > MAX_TAGS) {
    const label = tags?.origin.label ?? defaultTags!.origin.label
    throw new InputError(`${label}: ${out.size} tags is too many; AWS allows at most ${MAX_TAGS} tags on a job`)
  }

  return Object.fromEntries(out)
}
