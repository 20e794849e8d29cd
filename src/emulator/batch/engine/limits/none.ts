/**
 * No limit at all (forced with MFBATCH_EMULATOR_LIMITS=none, or where /proc is missing): memory is not enforced
 * and only the attempt's process group is signalled, so a `setsid` child outlives its job.
 */
import {signalProcess} from './process-tree'
import {AttemptGroup, LimitMechanism} from './types'

export function noLimits(): LimitMechanism {
  return {
    create(): AttemptGroup {
      let root: number | undefined
      const signal = (s: NodeJS.Signals): void => {
        if (root !== undefined) signalProcess(-root, s)
      }

      return {
        async close() {
          signal('SIGKILL')
        },
        launch: (file, args) => ({args: [...args], file}),
        oomKilled: () => false,
        signal,
        started(pid) {
          root = pid
        },
      }
    },
    description: 'none: memory is not limited, and only the process group of a job is killed with it',
    dispose() {},
    name: 'none',
  }
}
