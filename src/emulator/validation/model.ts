/**
 * AWS's service models (botocore's service-2.json, vendored in vendor/botocore) as the emulator reads them. Only the
 * parts it uses are typed: operations with their HTTP binding and input shape, and shapes with their constraints.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'

import {packageRoot} from '../../package-root'

export type ServiceName = 'batch' | 'logs'

export interface MemberRef {
  location?: 'header' | 'querystring' | 'uri'
  locationName?: string
  shape: string
}

export interface Shape {
  enum?: string[]
  key?: MemberRef
  max?: number
  member?: MemberRef
  members?: Record<string, MemberRef>
  min?: number
  pattern?: string
  required?: string[]
  type:
    'blob' | 'boolean' | 'double' | 'float' | 'integer' | 'list' | 'long' | 'map' | 'string' | 'structure' | 'timestamp'
  union?: boolean
  value?: MemberRef
}

export interface Operation {
  http: {method: string; requestUri: string}
  input?: {shape: string}
  name: string
}

export interface ServiceModel {
  metadata: {protocol: string; targetPrefix?: string}
  operations: Record<string, Operation>
  shapes: Record<string, Shape>
}

const FILES: Record<ServiceName, string> = {
  batch: join('batch', '2016-08-10', 'service-2.json.gz'),
  logs: join('logs', '2014-03-28', 'service-2.json.gz'),
}

/**
 * Operations AWS has published in its SDKs but not yet in botocore's model (vendor/botocore/README.md), in the same
 * form, merged over the service's model. Deleted once botocore carries them.
 */
const ADDITIONS: Partial<Record<ServiceName, string>> = {
  batch: join('batch', '2016-08-10', 'additions.json'),
}

const VENDOR = join(packageRoot(), 'vendor', 'botocore')

const cache = new Map<ServiceName, ServiceModel>()

/** The model of `service`, read and parsed on first use (about 20 ms each), then kept. */
export function loadModel(service: ServiceName): ServiceModel {
  let model = cache.get(service)
  if (!model) {
    model = JSON.parse(gunzipSync(readFileSync(join(VENDOR, FILES[service]))).toString('utf8')) as ServiceModel
    const additions = ADDITIONS[service]
    if (additions) {
      const extra = JSON.parse(readFileSync(join(VENDOR, additions), 'utf8')) as Omit<ServiceModel, 'metadata'>
      // botocore's own definition wins the day it has one.
      model.operations = {...extra.operations, ...model.operations}
      model.shapes = {...extra.shapes, ...model.shapes}
    }

    cache.set(service, model)
  }

  return model
}
