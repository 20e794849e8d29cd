/**
 * What a submit says on stderr once the job is in, before the lines that name it: an image the local runtime does
 * not use, a queue that gave way to the emulator's own, the queue chosen when none was set (once per endpoint:
 * remembered in the submit cache, every time without one), and the submit's warnings.
 */
import type {ResolvedSettings} from '../../config/types'
import type {SubmitCache} from './cache'
import type {Submission} from './service'

import {readFidelity} from '../../emulator/batch/engine/fidelity'
import {defaultStateDir} from '../../emulator/local'
import {queueGaveWayNotice} from './local-names'
import {unusedImageNote} from './unused-image'

export function submitNotes(
  job: Submission,
  settings: ResolvedSettings,
  {cache, local}: {cache?: SubmitCache; local?: boolean},
): string[] {
  const unusedImage = local ? unusedImageNote(settings, readFidelity(defaultStateDir())?.runtime) : undefined
  const defaulted = job.defaultedQueue && (cache?.firstTime(`defaulted-queue:${job.jobQueue}`) ?? true)
  return [
    ...(unusedImage ? [unusedImage] : []),
    ...(job.replacedQueue ? [queueGaveWayNotice(settings.queue, job.jobQueue)] : []),
    ...(defaulted ? [`no queue set; using ${job.jobQueue}, the first ENABLED and VALID queue`] : []),
    ...job.warnings.map((warning) => `warning: ${warning}`),
  ]
}
