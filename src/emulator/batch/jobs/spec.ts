/**
 * Pure rules for what a job runs: containerOverrides over the definition's containerProperties, parameter
 * substitution in the command, and the vCPU/memory/GPU the scheduler reserves.
 */
import {ApiError} from '../../contract'
import {missingParameter} from '../reasons'
import {ContainerOverrides, ContainerProperties, KeyValue, ResourceRequirement, Resources} from '../types'

/** Override entries replace the definition's entries of the same name; new names are added after. */
export function mergeEnvironment(base: KeyValue[] = [], overrides: KeyValue[] = []): KeyValue[] {
  const byName = new Map(base.map((e) => [e.name, e.value]))
  for (const e of overrides) byName.set(e.name, e.value)
  return [...byName].map(([name, value]) => ({name, value}))
}

/** Same rule by `type` (VCPU, MEMORY, GPU). */
export function mergeResourceRequirements(
  base: ResourceRequirement[] = [],
  overrides: ResourceRequirement[] = [],
): ResourceRequirement[] {
  const byType = new Map(base.map((r) => [r.type, r.value]))
  for (const r of overrides) byType.set(r.type, r.value)
  return [...byType].map(([type, value]) => ({type, value}))
}

/**
 * Replaces `Ref::name` in each argument by the parameter's value, as AWS does; a reference with no parameter is
 * refused at SubmitJob with AWS's message.
 */
export function substituteParameters(command: string[], parameters: Record<string, string>): string[] {
  return command.map((arg) =>
    arg.replaceAll(/Ref::([\w-]+)/g, (_ref, name: string) => {
      if (!Object.hasOwn(parameters, name)) throw new ApiError('ClientException', missingParameter(name))
      return parameters[name]
    }),
  )
}

/** The container DescribeJobs shows: the definition's properties with the overrides applied. */
export function applyOverrides(
  base: ContainerProperties,
  overrides: ContainerOverrides = {},
  parameters: Record<string, string> = {},
): ContainerProperties {
  const container: ContainerProperties = {...base}
  const command = overrides.command ?? base.command
  if (command !== undefined) container.command = substituteParameters(command, parameters)
  const environment = mergeEnvironment(base.environment, overrides.environment)
  if (environment.length > 0 || base.environment !== undefined) container.environment = environment
  const requirements = mergeResourceRequirements(base.resourceRequirements, overrides.resourceRequirements)
  if (requirements.length > 0 || base.resourceRequirements !== undefined) container.resourceRequirements = requirements
  if (overrides.vcpus !== undefined) container.vcpus = overrides.vcpus
  if (overrides.memory !== undefined) container.memory = overrides.memory
  if (overrides.instanceType !== undefined) container.instanceType = overrides.instanceType
  return container
}

/** The model types resource values as strings; AWS refuses ones that are not numbers of the right kind. */
export function checkResourceRequirements(requirements: ResourceRequirement[] = []): void {
  for (const {type, value} of requirements) {
    const number = Number(value)
    const ok =
      value.trim() !== '' &&
      Number.isFinite(number) &&
      (type === 'VCPU' ? number > 0 : Number.isInteger(number) && (type === 'GPU' ? number >= 0 : number > 0))
    if (!ok) {
      const expected =
        type === 'VCPU'
          ? 'a number greater than 0'
          : type === 'GPU'
            ? 'a whole number'
            : 'a whole number greater than 0'
      throw new ApiError(
        'ClientException',
        `Resource requirement ${type} has an invalid value "${value}": expected ${expected}.`,
      )
    }
  }
}

/**
 * What the job reserves. resourceRequirements win over the older vcpus/memory members. (Registration insists on
 * both, so the fallbacks below only keep the types whole.)
 */
export function resourcesOf(container: ContainerProperties): Resources {
  const requirement = (type: string): number | undefined => {
    const found = container.resourceRequirements?.find((r) => r.type === type)
    return found === undefined ? undefined : Number(found.value)
  }

  return {
    gpus: requirement('GPU') ?? 0,
    memoryMiB: requirement('MEMORY') ?? container.memory ?? 2048,
    vcpus: requirement('VCPU') ?? container.vcpus ?? 1,
  }
}
