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
import {type BootstrapSection, EXEC} from '../package/bootstrap'
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
 * What the bootstrap adds for inputs and outputs (undefined when neither is declared): the section the command
 * holds, a loader, and the steps it loads from S3 (steps-object.ts).
 */
export function jobSection(
  inputs: readonly PlacedInput[],
  outputs: OutputsPlan | undefined,
  where: {local?: boolean; settings: Pick<ResolvedSettings, 'packageRoot'>},
): undefined | {section: BootstrapSection; steps: StepsObject} {
  const step = inputsStep(inputs)
  if (!step && !outputs) return undefined
  const full = {
    facts: [...(step?.facts ?? []), ...(outputs?.section.facts ?? [])],
    run: (step?.step ?? '') + (outputs?.section.run ?? EXEC),
  }
  const {loader, object} = stepsObject(
    full,
    resultsRoot(where.settings.packageRoot, where.local, outputs ? '--output' : '--input'),
  )
  return {section: loader, steps: object}
}
