/**
 * Where the job runs decides which parameters exist: EC2 container instances take linuxParameters, devices and
 * host volumes; Fargate takes fixed vCPU/memory pairs, ephemeral storage and a task execution role.
 */
import type {Sourced} from '../../config/types'
import type {Platform} from '../queues/platform'

import {InputError, invalid} from '../../errors'
import {text} from '../parse/values'

export type {Platform} from '../queues/platform'

/** The `platform` setting: `auto` (the default) means "ask the queue's first compute environment". */
export type PlatformChoice = 'auto' | Platform

export function parsePlatformChoice(s: Sourced | undefined): PlatformChoice {
  const allowed = 'use ec2, fargate or auto'
  const raw = text(s, allowed)?.trim().toLowerCase()
  if (raw === undefined || raw === 'auto') return 'auto'
  if (raw === 'ec2') return 'EC2'
  if (raw === 'fargate') return 'FARGATE'
  throw invalid(s!.origin.label, s!.value, allowed)
}

/** A parameter Fargate does not have. Metaflow drops these silently; we say so before anything is sent. */
export function ec2Only(s: Sourced, platform: Platform): void {
  if (platform === 'FARGATE') throw invalid(s.origin.label, s.value, 'it works only on EC2 queues, not on Fargate')
}

export function fargateOnly(s: Sourced, platform: Platform, why: string): void {
  if (platform === 'EC2') throw invalid(s.origin.label, s.value, `it works only on Fargate queues (${why})`)
}

/** For a value that is missing rather than wrong. */
export function required(what: string, how: string): InputError {
  return new InputError(`${what} is required; ${how}`)
}
