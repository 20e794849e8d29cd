/**
 * Submit's `--input` step (DESIGN.md section 12): inputs checked, local ones hashed (a directory archived) before
 * any API call, uploaded once connected when S3 lacks them; and the bootstrap's section that places them before
 * the command, in front of the outputs' run step (or the plain `exec`).
 */
import type {ResolvedSettings} from '../../config/types'
import type {OutputsPlan} from './outputs-step'

import {inputsStep} from '../inputs/bootstrap-step'
import {type PlacedInput, placeInputs} from '../inputs/local'
import {parseInputs} from '../inputs/parse'
import {resultsRoot} from '../outputs/layout'
import {bootstrapBody, type BootstrapSection, EXEC} from '../package/bootstrap'
import {type StepsObject, stepsObject} from './steps-object'

export async function planInputs(
  settings: Pick<ResolvedSettings, 'packageRoot'>,
  values: readonly string[] | undefined,
  where: {cwd: string; local?: boolean; packageDir?: string},
): Promise<PlacedInput[]> {
  const specs = parseInputs(values, where.cwd, where.packageDir)
  if (specs.length === 0) return []
  return placeInputs(specs, resultsRoot(settings.packageRoot, where.local, '--input'))
}

/**
 * What the bootstrap adds for inputs, outputs and a task table with a package (undefined when it adds nothing): a
 * loader, and the steps it loads from S3 (steps-object.ts), which also fetch the package and the table's row. A
 * package and a table alone go this way too: with two presigned URLs (package and table) in the environment, the
 * bootstrap in the command is over AWS's 8192 characters. A table without a package, inputs or outputs needs no
 * bootstrap: its own wrapper is shorter (tasks/wrapper.ts).
 */
export function jobSection(
  inputs: readonly PlacedInput[],
  outputs: OutputsPlan | undefined,
  where: {
    local?: boolean
    package: boolean
    settings: Pick<ResolvedSettings, 'packageRoot'>
    tasks?: {facts: string[]; first: string}
  },
): undefined | {section: BootstrapSection; steps: StepsObject} {
  const step = inputsStep(inputs)
  const {tasks} = where
  if (!step && !outputs && !(tasks && where.package)) return undefined
  const facts = [...(tasks?.facts ?? []), ...(step?.facts ?? []), ...(outputs?.section.facts ?? [])]
  const run = (step?.step ?? '') + (outputs?.section.run ?? EXEC)
  const {loader, object} = stepsObject(
    facts,
    bootstrapBody({first: tasks?.first, package: where.package, run}),
    resultsRoot(where.settings.packageRoot, where.local, outputs ? '--output' : '--input'),
  )
  return {section: loader, steps: object}
}
