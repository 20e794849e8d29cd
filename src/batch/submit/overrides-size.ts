/**
 * The size check (package/limits.ts) before any API call: the job as it would go, with the presigned URLs as their
 * placeholders, which are shorter than real ones, so a job refused here would be refused with them too. The check
 * runs again once the URLs are made (commands/submit.ts).
 */
import type {ResolvedSettings} from '../../config/types'
import type {SubmitInputs} from './dry-run'

import {buildJobSpec, type JobSpec, parsePlatformChoice} from '../definition/job-spec'
import {buildRequests} from '../definition/requests'
import {checkSubmitSize} from '../package/limits'

export function checkOverridesSize(
  settings: Partial<ResolvedSettings>,
  command: readonly string[],
  inputs: SubmitInputs,
): void {
  const choice = parsePlatformChoice(settings.platform)
  let spec: JobSpec
  if (choice === 'auto') {
    try {
      spec = buildJobSpec(settings, command, {...inputs, platform: 'EC2'})
    } catch {
      spec = buildJobSpec(settings, command, {...inputs, platform: 'FARGATE'})
    }
  } else spec = buildJobSpec(settings, command, {...inputs, platform: choice})

  checkSubmitSize(buildRequests(spec, spec.queue ?? 'queue').submitJob)
}
