/**
 * The labels every attempt's container carries: the emulator's state dir (so an emulator removes only its own
 * containers, never another emulator's or the user's), the job and the attempt (its ECS task id).
 */
import path from 'node:path'

export const STATE_DIR_LABEL = 'mfbatch.emulator.state-dir'
export const JOB_LABEL = 'mfbatch.job-id'
export const ATTEMPT_LABEL = 'mfbatch.attempt'

export const stateDirLabel = (stateDir: string): string => `${STATE_DIR_LABEL}=${path.resolve(stateDir)}`

export function labelArgs(stateDir: string, jobId: string, attemptId: string): string[] {
  return [
    '--label',
    stateDirLabel(stateDir),
    '--label',
    `${JOB_LABEL}=${jobId}`,
    '--label',
    `${ATTEMPT_LABEL}=${attemptId}`,
  ]
}

/** A container name per attempt: unique (the task id is random) and telling in `docker ps`. */
export const containerName = (attemptId: string): string => `mfbatch-${attemptId}`
