/**
 * The process runtime of the local emulator runs the command on this machine: an image the user chose (by flag,
 * environment or a config file; not mfbatch's default) is not used, and a local success says nothing about it.
 * One line says so and how to run the job in its image instead. Silent for the default image (every submit would
 * carry it) and under the docker runtime.
 */
import type {ResolvedSettings} from '../../config/types'

export function unusedImageNote(
  settings: Pick<ResolvedSettings, 'image'>,
  runtime: string | undefined,
): string | undefined {
  if (runtime === 'docker' || settings.image.origin.kind === 'default' || settings.image.value === undefined) {
    return undefined
  }

  return (
    `note: the local emulator runs the command on this machine: image ${String(settings.image.value)} ` +
    `(${settings.image.origin.label}) is not used; to run jobs in their images: ` +
    'mfbatch emulator stop && mfbatch emulator start --runtime docker (or export MFBATCH_EMULATOR_RUNTIME=docker)'
  )
}
