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
import {buildJobControls} from '../definition/job'
import {buildJobSpec} from '../definition/job-spec'
import {buildRequests} from '../definition/requests'
import {checkSubmitSize, packageUrlSeconds} from '../package/limits'
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
  let prepared = checked
  let uploaded: boolean | undefined
  if (packaged) {
    const published = await publish(await clients.s3!(), packaged, {...checked, section}, request.progress)
    notices.push(...published.notices)
    uploaded = published.uploaded
    prepared = sized(published.settings, published.command, checked)
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

  return {notices, prepared, uploaded}
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
