/**
 * What an emulator leaves in its state directory as it stops: how many running jobs it stopped. `emulator stop`
 * signals a detached emulator and reads this once the process is gone; the pid says the record is that process's
 * and not one left by an earlier stop.
 */
import {join} from 'node:path'

import {readJson, writeJsonAtomic} from './persistence/atomic'

export const STOP_RECORD_FILE = 'last-stop.json'

export interface StopRecord {
  pid: number
  /** Jobs that had a process running when the emulator stopped (they end as the emulator does). */
  stoppedJobs: number
}

export function writeStopRecord(stateDir: string, record: StopRecord): void {
  writeJsonAtomic(join(stateDir, STOP_RECORD_FILE), record)
}

/** The record the process `pid` wrote as it stopped; undefined if it wrote none (killed, or an older emulator). */
export function readStopRecord(stateDir: string, pid: number): StopRecord | undefined {
  let record: Partial<StopRecord>
  try {
    record = readJson<Partial<StopRecord>>(join(stateDir, STOP_RECORD_FILE), {})
  } catch {
    // A torn or foreign file only means the count is unknown; the emulator is stopped all the same.
    return undefined
  }

  return record.pid === pid && typeof record.stoppedJobs === 'number' ? (record as StopRecord) : undefined
}

/** What stopping did to jobs, after "stopped the emulator": ", which was running no job" or " and the 2 jobs it was running". */
export function stoppedJobsText(count: number): string {
  return count === 0 ? ', which was running no job' : ` and the ${count === 1 ? 'job' : `${count} jobs`} it was running`
}
