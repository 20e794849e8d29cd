/**
 * Which operation a request calls. AWS Batch speaks REST-JSON: each operation has its own method and path in the
 * model (`POST /v1/submitjob`, `GET /v1/tags/{resourceArn}`), and a few inputs travel in the path or the query
 * string. CloudWatch Logs speaks JSON 1.1: every call is `POST /` and the `X-Amz-Target` header names it.
 */
import {loadModel, type Operation, type ServiceModel, type ServiceName} from '../validation/model'

export interface Route {
  /** Inputs taken from the URL (path labels, query string), merged under the JSON body's members. */
  fromUrl: Record<string, unknown>
  operation: string
  service: ServiceName
}

export type RouteResult =
  | Route
  | {error: 'unknown-operation'; service: ServiceName; what: string}
  | {error: 'wrong-method'; service: ServiceName; what: string}

interface RestRoute {
  labels: string[]
  method: string
  operation: Operation
  regex: RegExp
}

let batchRoutes: RestRoute[] | undefined

/** The Batch operation for `method` + `url`, with its URL-bound inputs, or why there is none. */
export function routeBatch(method: string, url: URL): RouteResult {
  batchRoutes ??= compileRoutes(loadModel('batch'))
  const path = url.pathname
  let wrongMethod = false
  for (const route of batchRoutes) {
    const match = route.regex.exec(path)
    if (!match) continue
    if (route.method !== method) {
      wrongMethod = true
      continue
    }

    return {
      fromUrl: urlInputs(loadModel('batch'), route, match, url),
      operation: route.operation.name,
      service: 'batch',
    }
  }

  return {error: wrongMethod ? 'wrong-method' : 'unknown-operation', service: 'batch', what: `${method} ${path}`}
}

/** The Logs operation named by `X-Amz-Target: Logs_20140328.<Operation>`. */
export function routeLogs(method: string, target: string): RouteResult {
  const model = loadModel('logs')
  const prefix = `${model.metadata.targetPrefix}.`
  const name = target.startsWith(prefix) ? target.slice(prefix.length) : ''
  if (!name || !Object.hasOwn(model.operations, name))
    return {error: 'unknown-operation', service: 'logs', what: target}
  if (method !== 'POST') return {error: 'wrong-method', service: 'logs', what: `${method} ${target}`}
  return {fromUrl: {}, operation: name, service: 'logs'}
}

function compileRoutes(model: ServiceModel): RestRoute[] {
  return Object.values(model.operations).map((operation) => {
    const labels: string[] = []
    const [pathPart] = operation.http.requestUri.split('?')
    const source = pathPart
      .split(/(\{[^}]+\})/)
      .map((piece) => {
        const label = /^\{([^}+]+)(\+?)\}$/.exec(piece)
        if (!label) return piece.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)
        labels.push(label[1])
        return label[2] ? '(.+)' : '([^/]+)'
      })
      .join('')
    // AWS matches REST paths without regard to case or a trailing slash.
    return {labels, method: operation.http.method, operation, regex: new RegExp(`^${source}/?$`, 'i')}
  })
}

/** Path labels and query parameters, under the input member names the model binds them to. */
function urlInputs(model: ServiceModel, route: RestRoute, match: RegExpExecArray, url: URL): Record<string, unknown> {
  const input: Record<string, unknown> = {}
  const shape = route.operation.input ? model.shapes[route.operation.input.shape] : undefined
  for (const [name, ref] of Object.entries(shape?.members ?? {})) {
    const key = ref.locationName ?? name
    if (ref.location === 'uri') {
      const i = route.labels.indexOf(key)
      if (i !== -1) input[name] = safeDecode(match[i + 1])
    } else if (ref.location === 'querystring' && url.searchParams.has(key)) {
      const values = url.searchParams.getAll(key)
      input[name] = model.shapes[ref.shape]?.type === 'list' ? values : values[0]
    }
  }

  return input
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
