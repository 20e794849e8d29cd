/**
 * Texts AWS Batch puts in statusReason and ClientException messages, gathered in one place so they are matched
 * exactly (mfbatch's RUNNABLE diagnosis and users' evaluateOnExit patterns depend on them). Where AWS's wording
 * could not be found, the text says plainly what is wrong and is marked "(emulator wording)".
 */

/** A job's container ended, successfully or not (the ECS task stops when its essential container exits). */
export const CONTAINER_EXITED = 'Essential container in task exited'
/** The container's reason (container.reason) when it was killed for going over its memory. */
export const OUT_OF_MEMORY = 'OutOfMemoryError: Container killed due to memory usage'
export const TIMEOUT = 'Job attempt duration exceeded timeout'
export const DEPENDENCY_FAILED = 'Dependent Job failed'
/** The container could not be started (here: the command could not be spawned). */
export const TASK_FAILED_TO_START = 'Task failed to start'
export const MISCONFIGURED_RESOURCES =
  'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement (vCPU/memory/GPU) is higher than that can be met by the CE(s) attached to the job queue.'

/** What AWS reports when the instance running a job goes away; the emulator's own restart is that event here. */
export const hostLost = (instanceId: string): string => `Host EC2 (instance ${instanceId}) terminated.`

export const queueNotFound = (queue: string): string => `JobQueue ${queue} not found.`
export const definitionNameNotFound = (name: string): string =>
  `JobDefinition name ${name} does not exist or is not in ACTIVE status.`
/** (emulator wording, modelled on the name-only message) */
export const definitionNotFound = (id: string): string =>
  `JobDefinition ${id} does not exist or is not in ACTIVE status.`
export const definitionPatternRejected = (value: string): string =>
  `Provided name ${value} is not supported pattern[a-zA-Z_0-9-]{1,128}`
export const JOB_NAME_PATTERN = 'Job name should match valid pattern'
export const platformMismatch = (capability: string): string =>
  `Job Queue is attached to Compute Environment that can not run Jobs with capability ${capability}.`
export const missingParameter = (name: string): string =>
  `Unable to substitute value. No parameter found for reference ${name}`
/**
 * (emulator wording) A queue or compute environment name outside AWS's documented form: up to 128 letters, numbers,
 * hyphens and underscores (API reference, CreateJobQueue and CreateComputeEnvironment).
 */
export const RESOURCE_NAME = /^[\w-]{1,128}$/
export const invalidResourceName = (what: string, name: string): string =>
  `${what} ${JSON.stringify(name)} is not valid: use 1 to 128 letters, numbers, hyphens (-) and underscores (_).`
export const ALREADY_EXISTS = 'Object already exists'
export const CE_IN_USE = 'Cannot delete, found existing JobQueue relationship'
export const bothSet = (list: string): string => `${list} and MaxResults cannot both be set`
