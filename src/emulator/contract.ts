/**
 * The seams inside the emulator. The HTTP layer (server.ts) knows protocols, validation, faults and stats; each
 * service (Batch, CloudWatch Logs) is a table of operation handlers over its own state. Handlers receive the
 * request body already validated against AWS's service model and return the response body.
 */

/** An error in AWS's shape: `code` is the exception name (ClientException, ResourceNotFoundException, ...). */
export class ApiError extends Error {
  override name = 'ApiError'

  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message)
  }
}

/** One operation: the validated request body in, the response body out. */
export type OperationHandler = (input: Record<string, unknown>) => Promise<unknown> | unknown

/** A response body already written as JSON text, sent as is (see EmulatedService.serialized), with extra headers. */
export class JsonBody {
  constructor(
    readonly bytes: Buffer,
    readonly headers: Record<string, string> = {},
  ) {}
}

/**
 * On a GetLogEvents answer: the stream's writer is done (the attempt ended and every line it wrote is in the
 * stream), so a reader caught up with this answer has the whole log. The emulator knows it; CloudWatch says nothing
 * of the kind (its delivery is asynchronous), and this header is one AWS never sends, so a client that sees it is
 * talking to the emulator and one that does not keeps its grace period.
 */
export const STREAM_ENDED_HEADER = 'x-mfbatch-stream-ended'

export interface EmulatedService {
  /** Operations by their model name (SubmitJob, GetLogEvents, ...). */
  operations: Record<string, OperationHandler>
  /**
   * Optional faster twins of some operations for the HTTP front end: the same answer, written straight as JSON
   * bytes (GetLogEvents copies its events from the stream file without parsing and re-encoding each one).
   */
  serialized?: Record<string, (input: Record<string, unknown>) => JsonBody>
  /** Load persisted state; called once before the server listens. */
  start?(): Promise<void> | void
  /** Flush state and stop background work (running jobs are left to the caller). */
  stop?(): Promise<void> | void
}

/** What the Batch job runner needs from CloudWatch Logs: somewhere to put a job's output lines, in order. */
export interface LogSink {
  /** Appends events in order; timestamps in epoch ms. */
  append(group: string, stream: string, events: ReadonlyArray<{message: string; timestamp: number}>): void
  /** Every line of the stream has been appended: the writer is done (see STREAM_ENDED_HEADER). */
  endStream(group: string, stream: string): void
  /** Creates the group and stream if missing (idempotent). */
  ensureStream(group: string, stream: string): void
}

/** Fixed identity of the emulated account, used in every ARN. */
export const EMULATOR_ACCOUNT_ID = '000000000000'
export const EMULATOR_DEFAULT_REGION = 'us-east-1'
/** The documented default port of `mfbatch emulator` and `--local`. */
export const EMULATOR_DEFAULT_PORT = 4589
/** The queue a new state dir starts with (batch/control/defaults.ts); `--local` takes it when none is set. */
export const EMULATOR_DEFAULT_QUEUE = 'local'

/** Lets tests (and a second user on a shared host) move `--local` off the documented default port. */
export const PORT_ENV = 'MFBATCH_EMULATOR_PORT'
/** The bucket the emulator creates at first start; `--local` puts code packages there. */
export const EMULATOR_PACKAGE_BUCKET = 'mfbatch-local'
/** The bucket the emulator creates at start for Metaflow's datastore (`mfbatch emulator env --metaflow`). */
export const EMULATOR_METAFLOW_BUCKET = 'mfbatch-metaflow'
