/**
 * What a submit puts in S3 before SubmitJob, in order: the local inputs and the stored steps (inputs-step.ts), the
 * code package (package-step.ts), the task table (tasks/submit-step.ts). Each wraps the command for the job (the
 * bootstrap, or the table's wrapper) and the request is prepared and sized again around it, so what AWS would refuse
 * for its size is refused here, after the uploads that are content-addressed and so never wasted.
 * The same job with placeholder URLs, for the dry run and the early size check: placeholder-job.ts.
 */
import type {Clients} from '../clients'
import type {PlacedInput} from '../inputs/local'
import type {BootstrapSection} from '../package/bootstrap'
import type {LocalPackage} from '../package/prepare'
import type {PreparedTasks} from '../tasks/submit-step'
import type {OutputsPlan} from './outputs-step'
import type {StepsObject} from './steps-object'

import {type ResolvedSettings} from '../../config/types'
import {InputError} from '../../errors'
import {buildJobControls} from '../definition/job'
import {buildJobSpec} from '../definition/job-spec'
import {buildRequests} from '../definition/requests'
import {checkSubmitSize, packageUrlSeconds} from '../package/limits'
import {withoutPackageUrl} from '../package/prepare'
import {tasksJob} from '../tasks/submit-step'
import {wrapWithoutPackage} from './outputs-step'
import {publish} from './package-step'
import {tasksHow} from './placeholder-job'
import {type PreparedSubmit, prepareSubmit} from './service'

/** The inputs and outputs declared for the job. */
export interface Extras {
  inputs: PlacedInput[]
  outputs?: OutputsPlan
  /** The bootstrap's section for both (inputs-step.ts), when either is declared, and the steps it loads. */
  section?: BootstrapSection
  steps?: StepsObject
}

export interface ShipRequest {
  extras: Extras
  packaged?: LocalPackage
  /** The package upload's progress (bytes sent of total), for a terminal. */
  progress?: (sent: number, total: number) => void
  tasks?: PreparedTasks
}

export interface Shipped {
  /** What the uploads have to say (a package or table already in S3, a bucket made), for stderr. */
  notices: string[]
  prepared: PreparedSubmit
  /** The package was uploaded now (false: S3 had it); undefined without a package. */
  uploaded?: boolean
  /** What the job goes without (for stderr, under --json too). */
  warnings: string[]
}

/** Everything the job needs in S3, the command wrapped for it, the request prepared and sized. */
export async function ship(clients: Clients, checked: PreparedSubmit, request: ShipRequest): Promise<Shipped> {
  const {extras, packaged, tasks} = request
  const {inputs, section, steps} = extras
  if (steps) {
    const [{uploadInputs}, {publishSteps}, s3] = await Promise.all([
      import('../inputs/local.js'),
      import('./steps-object.js'),
      clients.s3!(),
    ])
    await uploadInputs(s3, inputs)
    await publishSteps(s3, steps)
  }

  const notices: string[] = []
  const warnings: string[] = []
  let prepared = checked
  let uploaded: boolean | undefined
  if (packaged) {
    const published = await publish(await clients.s3!(), packaged, {...checked, section}, request.progress)
    notices.push(...published.notices)
    uploaded = published.uploaded
    prepared = fitted(published, checked, warnings)
  } else if (section) {
    prepared = sized(checked.settings, wrapWithoutPackage(checked.command, checked.settings, section), checked)
  }

  if (tasks) {
    const {publishTasks} = await import('../tasks/submit-step.js')
    const urlSeconds = packageUrlSeconds(buildJobControls(prepared.settings, prepared.command))
    const published = await publishTasks(await clients.s3!(), tasks, urlSeconds)
    notices.push(...published.notices)
    const job = tasksJob(prepared, tasks, tasksHow(section, published.url))
    prepared = sized(job.settings, job.command, checked)
  }

  return {notices, prepared, uploaded, warnings}
}

/**
 * The packaged job sized. The package's presigned URL is only the bootstrap's fallback for an image with neither aws
 * nor boto3, and with session credentials it is about 1,600 characters of AWS's 8192: when it alone makes the job
 * too large, the job goes without it (and says so) rather than not at all. Still too large: the first refusal,
 * which counts the URL.
 */
function fitted(
  published: {command: readonly string[]; settings: Partial<ResolvedSettings>},
  checked: PreparedSubmit,
  warnings: string[],
): PreparedSubmit {
  try {
    return sized(published.settings, published.command, checked)
  } catch (error) {
    const without = withoutPackageUrl(published.settings)
    if (!(error instanceof InputError) || without === published.settings) throw error
    let prepared: PreparedSubmit
    try {
      prepared = sized(without, published.command, checked)
    } catch {
      throw error
    }

    warnings.push(
      "the package's presigned URL would make the job too large for AWS (8192 characters of container " +
        'overrides), so the job goes without it: the image needs aws or python with boto3 to fetch the package',
    )
    return prepared
  }
}

/** The submit prepared again around the wrapped command, and refused if AWS would find it too large. */
function sized(
  settings: Partial<ResolvedSettings>,
  command: readonly string[],
  checked: PreparedSubmit,
): PreparedSubmit {
  const prepared = prepareSubmit(settings, command, checked.inputs)
  const spec = prepared.spec ?? buildJobSpec(settings, command, {...checked.inputs, platform: 'EC2'})
  checkSubmitSize(buildRequests(spec, prepared.queue ?? 'queue').submitJob)
  return prepared
}
