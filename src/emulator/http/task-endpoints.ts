/**
 * The two endpoints a running attempt calls without signing, as an ECS task calls its agent: the container
 * credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI, the attempt's token in the Authorization header) and
 * the task metadata endpoint version 4 (ECS_CONTAINER_METADATA_URI_V4; clients send no header there, so the
 * attempt's secret is in the path). Both answer only while the attempt runs, as the agent answers only its own
 * running tasks: what a finished job's environment held fetches nothing.
 */
import type {IncomingMessage, ServerResponse} from 'node:http'

import type {EmulatorKeys} from '../auth/keys'
import type {TaskMetadata} from '../batch/engine/task-metadata'

import {sendJson} from './respond'

/** Where an attempt's processes fetch their session credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI), as on ECS. */
export const JOB_CREDENTIALS_PATH = '/__emulator/job-credentials'
/** Under it, `/<secret>` is ECS_CONTAINER_METADATA_URI_V4 (the container) and `/<secret>/task` the task. */
export const TASK_METADATA_PATH = '/__emulator/task-metadata'

/** What the endpoints need to know about attempts. */
export interface RunningAttempts {
  attemptMetadata(attemptId: string): TaskMetadata | undefined
  attemptRunning(attemptId: string): boolean
}

export interface TaskEndpoints {
  /** Undefined: every attempt counts as running (a server without a Batch service, in tests). */
  attempts?: RunningAttempts
  keys: EmulatorKeys
  now: number
}

const JSON_TYPE = 'application/json'

function deny(res: ServerResponse, status: number, code: string, message: string): void {
  res.shouldKeepAlive = false
  sendJson(res, {body: {code, message}, contentType: JSON_TYPE, status})
}

/** The ECS container credentials endpoint: an attempt's token in, its session keys out. */
export function answerCredentials(
  req: IncomingMessage,
  res: ServerResponse,
  {attempts, keys, now}: TaskEndpoints,
): void {
  const token = req.headers.authorization
  const attemptId = token === undefined ? undefined : keys.attemptOf(token, 'credentials')
  if (attemptId === undefined) {
    return deny(res, 403, 'AccessDenied', 'Authorization must be the token in AWS_CONTAINER_AUTHORIZATION_TOKEN')
  }

  if (attempts && !attempts.attemptRunning(attemptId)) {
    return deny(res, 403, 'AccessDenied', `Task ${attemptId} is not running: its credentials are no longer handed out`)
  }

  sendJson(res, {body: keys.session(attemptId, now), contentType: JSON_TYPE, status: 200})
}

/** Whether a GET is for the task metadata endpoint. */
export const isTaskMetadata = (path: string): boolean => path.startsWith(`${TASK_METADATA_PATH}/`)

/**
 * `GET <TASK_METADATA_PATH>/<secret>` (the container) and `.../task` (the task); 404 for a secret the emulator did
 * not make, an attempt that is not running, and what ECS serves that the emulator does not (`/stats`, `/task/stats`).
 */
export function answerTaskMetadata(path: string, res: ServerResponse, {attempts, keys}: TaskEndpoints): void {
  const [secret, ...rest] = path.slice(TASK_METADATA_PATH.length + 1).split('/')
  const what = rest.join('/')
  const attemptId = keys.attemptOf(secret, 'metadata')
  const metadata = attemptId === undefined ? undefined : attempts?.attemptMetadata(attemptId)
  if (metadata === undefined) {
    return deny(res, 404, 'NotFound', 'No running task has this metadata URI (it answers only while its job runs)')
  }

  if (what !== '' && what !== 'task') {
    return deny(res, 404, 'NotFound', 'The emulator serves the container metadata and /task only')
  }

  sendJson(res, {body: what === 'task' ? metadata.task : metadata.container, contentType: JSON_TYPE, status: 200})
}
