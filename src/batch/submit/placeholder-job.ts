/**
 * The job as a submit will send it, with placeholder presigned URLs: what `--dry-run` shows, and what a real submit
 * sizes before any API call (the placeholders are shorter than real URLs, so what is refused with them would be
 * refused with real ones too). Nothing of the AWS side is loaded here: a dry run stays fast.
 */
import type {ResolvedSettings} from '../../config/types'
import type {BootstrapSection} from '../package/bootstrap'
import type {LocalPackage} from '../package/prepare'

import {DRY_RUN_TASKS_URL, type PreparedTasks, tasksJob} from '../tasks/submit-step'
import {wrapWithoutPackage} from './outputs-step'
import {dryRunJob} from './package-step'

export function placeholderJob(
  command: readonly string[],
  settings: ResolvedSettings,
  {packaged, section, tasks}: {packaged?: LocalPackage; section?: BootstrapSection; tasks?: PreparedTasks},
): {command: string[]; settings: Partial<ResolvedSettings>} {
  const shipped = packaged
    ? dryRunJob(packaged, command, settings, section)
    : {command: section ? wrapWithoutPackage(command, settings, section) : [...command], settings}
  return tasks ? tasksJob(shipped, tasks, tasksHow(section, DRY_RUN_TASKS_URL)) : shipped
}

/**
 * With stored steps (a package, inputs or outputs: inputs-step.ts) the table's step is in them, and they fetch with
 * aws or boto3; else the table's wrapper goes in front of the command, with the table's URL for its fallbacks.
 */
export function tasksHow(section: BootstrapSection | undefined, url: string): {inBootstrap: boolean; url?: string} {
  return section?.stored ? {inBootstrap: true} : {inBootstrap: false, url}
}
