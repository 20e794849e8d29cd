/**
 * `--local` and the names of the user's AWS setup. A queue or package root set in Metaflow's config, the
 * environment or a project file names something in AWS, which the emulator seldom has: a Metaflow user's first
 * `--local` must not fail on it. Under `--local` such a name gives way to the emulator's own, with one line saying
 * so (a queue only when the emulator lacks it: service.ts asks). A name given as a flag is meant for this run and
 * stays: a queue the emulator lacks is then the usual error naming the queues there are.
 */
import {homedir} from 'node:os'

import type {ResolvedSettings, Sourced} from '../../config/types'

import {EMULATOR_DEFAULT_QUEUE, EMULATOR_PACKAGE_BUCKET} from '../../emulator/contract'

export interface LocalNames {
  /** For stderr: what was replaced, and by what (the package root's only matters when packaging). */
  notices: {packageRoot?: string; queue?: string}
  settings: ResolvedSettings
}

/** Set somewhere other than a flag of this run (and not a built-in default): part of the user's standing setup. */
function fromSetup(setting: Sourced | undefined): boolean {
  const {kind} = setting?.origin ?? {kind: 'default'}
  return kind !== 'flag' && kind !== 'default' && setting?.value !== undefined && setting.value !== ''
}

/**
 * "METAFLOW_BATCH_JOB_QUEUE in ~/.metaflowconfig/config.json" from a source label such as
 * "/home/u/.metaflowconfig/config.json (METAFLOW_BATCH_JOB_QUEUE)"; an environment variable's label is its name.
 */
export function originPhrase(setting: Sourced, home = homedir()): string {
  const {kind, label} = setting.origin
  if (kind === 'env') return `the environment variable ${label}`
  const match = /^(.+) \((.+)\)$/.exec(label)
  if (!match) return label
  const [, file, key] = match
  const shown = home && file.startsWith(`${home}/`) ? `~${file.slice(home.length)}` : file
  return `${key} in ${shown}`
}

/**
 * The settings as `--local` takes them. Not local: unchanged. The package root from the user's setup becomes the
 * emulator's bucket (its S3 has only that one unless the user made more); in a dry run, which cannot ask the emulator,
 * the queue becomes the emulator's default unless `--queue` names one.
 */
export function localNames(settings: ResolvedSettings, options: {dryRun?: boolean; local?: boolean}): LocalNames {
  if (!options.local) return {notices: {}, settings}
  const notices: LocalNames['notices'] = {}
  const out: ResolvedSettings = {...settings}
  if (fromSetup(settings.packageRoot)) {
    const root = `s3://${EMULATOR_PACKAGE_BUCKET}`
    out.packageRoot = {origin: {kind: 'flag', label: '--local (the emulator’s bucket)'}, value: root}
    notices.packageRoot =
      `--local: package root "${String(settings.packageRoot.value)}" (from ${originPhrase(settings.packageRoot)}) ` +
      `is for AWS; using "${root}", the emulator's`
  }

  const queue = settings.queue as Sourced | undefined
  const queueFromFlag = queue?.origin.kind === 'flag' && queue.value !== undefined
  if (options.dryRun && !queueFromFlag) {
    out.queue = {origin: {kind: 'flag', label: '--local (the emulator’s default queue)'}, value: EMULATOR_DEFAULT_QUEUE}
    notices.queue = fromSetup(queue)
      ? `--local: a dry run cannot ask the emulator for queue "${String(queue!.value)}" (from ${originPhrase(queue!)}); ` +
        `using "${EMULATOR_DEFAULT_QUEUE}", its default (pass --queue to choose)`
      : `--local: no queue set; using "${EMULATOR_DEFAULT_QUEUE}", the emulator's default`
  }

  return {notices, settings: out}
}

/** A real `--local` submit with the queue from the user's setup: the emulator's default if it lacks that one. */
export function queueMayGiveWay(settings: Pick<ResolvedSettings, 'queue'>, local?: boolean): boolean {
  return Boolean(local) && fromSetup(settings.queue)
}

/**
 * The line submit (and queues) print when the emulator lacked the queue of the user's setup and its default was
 * taken.
 */
export function queueGaveWayNotice(queue: Sourced, used: string, hint = ' (pass --queue to choose another)'): string {
  return `--local: queue "${String(queue.value)}" (from ${originPhrase(queue)}) is not in the emulator; using "${used}"${hint}`
}
