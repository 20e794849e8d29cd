/**
 * Checks a request body against its operation's input shape, the way AWS's front ends do before an operation runs.
 * Three kinds of problem, because AWS answers them differently: a value of the wrong JSON type and a member the
 * model does not know are found while reading the body ("type", "unknown"); a missing required member, a length,
 * range, enum or pattern outside the model is a constraint violation ("constraint"). Paths and sentences follow AWS's
 * validation messages: `logEvents.1.member.timestamp`, "Member must not be null".
 */
import type {MemberRef, ServiceModel, Shape} from './model'

export interface Violation {
  kind: 'constraint' | 'type' | 'unknown'
  /** One finished sentence, e.g. "Value null at 'jobQueue' failed to satisfy constraint: Member must not be null". */
  message: string
  /** For a constraint: the rule alone ("Member must not be null"). */
  rule?: string
}

type Json = unknown

/** Every problem of `value` against shape `shapeName`, in model order; empty when the value is valid. */
export function validateShape(model: ServiceModel, shapeName: string, value: Json): Violation[] {
  const checker = new Checker(model)
  if (isObject(value)) checker.structure(model.shapes[shapeName], value, '')
  else checker.out.push({kind: 'type', message: 'The request body must be a JSON object'})
  return checker.out
}

class Checker {
  readonly out: Violation[] = []

  constructor(private readonly model: ServiceModel) {}

  check(ref: MemberRef, value: Json, path: string): void {
    const shape = this.model.shapes[ref.shape]
    if (!shape) return
    switch (shape.type) {
      case 'blob':
      case 'string': {
        return this.string(shape, value, path)
      }

      case 'boolean': {
        if (typeof value !== 'boolean') this.typeError(path, 'a boolean', value)
        return
      }

      case 'double':
      case 'float':
      case 'integer':
      case 'long': {
        return this.number(shape, value, path)
      }

      case 'list': {
        return this.list(shape, value, path)
      }

      case 'map': {
        if (!isObject(value)) return this.typeError(path, 'a map', value)
        this.length(shape, Object.keys(value).length, value, path)
        return this.map(shape, value, path)
      }

      case 'structure': {
        if (!isObject(value)) return this.typeError(path, 'a structure', value)
        return this.structure(shape, value, path)
      }

      case 'timestamp': {
        // JSON protocols send epoch seconds as a number; ISO 8601 strings are accepted too.
        if (typeof value !== 'number' && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) {
          this.typeError(path, 'a timestamp', value)
        }
      }
    }
  }

  structure(shape: Shape | undefined, value: Record<string, Json>, path: string): void {
    const members = shape?.members ?? {}
    for (const name of Object.keys(value)) {
      if (!(name in members)) this.out.push({kind: 'unknown', message: `Unknown member '${join(path, name)}'`})
    }

    const required = new Set(shape?.required)
    for (const [name, ref] of Object.entries(members)) {
      const item = value[name]
      // JSON null is how a client leaves a member out, as AWS reads it.
      if (item === null || item === undefined) {
        if (required.has(name)) this.constraint(join(path, name), null, 'Member must not be null')
      } else {
        this.check(ref, item, join(path, name))
      }
    }
  }

  private constraint(path: string, value: Json, rule: string): void {
    this.out.push({
      kind: 'constraint',
      message: `Value ${render(value)} at '${path}' failed to satisfy constraint: ${rule}`,
      rule,
    })
  }

  private length(shape: Shape, length: number, value: Json, path: string): void {
    if (shape.min !== undefined && length < shape.min) {
      this.constraint(path, value, `Member must have length greater than or equal to ${shape.min}`)
    }

    if (shape.max !== undefined && length > shape.max) {
      this.constraint(path, value, `Member must have length less than or equal to ${shape.max}`)
    }
  }

  private list(shape: Shape, value: Json, path: string): void {
    if (!Array.isArray(value)) return this.typeError(path, 'a list', value)
    this.length(shape, value.length, value, path)
    for (const [i, item] of value.entries()) {
      const at = `${path}.${i + 1}.member`
      if (item === null || item === undefined) this.constraint(at, item, 'Member must not be null')
      else if (shape.member) this.check(shape.member, item, at)
    }
  }

  /** AWS reports a map's bad keys or values as one violation of the map, listing the member constraints. */
  private map(shape: Shape, value: Record<string, Json>, path: string): void {
    for (const [which, ref, items] of [
      ['Map keys', shape.key, Object.keys(value)],
      ['Map value', shape.value, Object.values(value)],
    ] as const) {
      if (!ref) continue
      const inner = new Checker(this.model)
      for (const item of items) inner.check(ref, item, path)
      this.out.push(...inner.out.filter((v) => v.kind !== 'constraint'))
      const reasons = [...new Set(inner.out.flatMap((v) => (v.rule === undefined ? [] : [v.rule])))]
      if (reasons.length > 0) this.constraint(path, value, `${which} must satisfy constraint: [${reasons.join(', ')}]`)
    }
  }

  private number(shape: Shape, value: Json, path: string): void {
    const integral = shape.type === 'integer' || shape.type === 'long'
    const limit = shape.type === 'integer' ? 2_147_483_647 : Number.MAX_SAFE_INTEGER
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      (integral && (!Number.isInteger(value) || Math.abs(value) > limit))
    ) {
      return this.typeError(path, integral ? `an ${shape.type}` : 'a number', value)
    }

    if (shape.min !== undefined && value < shape.min) {
      this.constraint(path, value, `Member must have value greater than or equal to ${shape.min}`)
    }

    if (shape.max !== undefined && value > shape.max) {
      this.constraint(path, value, `Member must have value less than or equal to ${shape.max}`)
    }
  }

  private string(shape: Shape, value: Json, path: string): void {
    if (typeof value !== 'string') return this.typeError(path, 'a string', value)
    this.length(shape, value.length, value, path)
    const regex = shape.pattern === undefined ? undefined : compile(shape.pattern)
    if (regex && !regex.test(value)) {
      this.constraint(path, value, `Member must satisfy regular expression pattern: ${shape.pattern}`)
    }

    if (shape.enum && !shape.enum.includes(value)) {
      this.constraint(path, value, `Member must satisfy enum value set: [${shape.enum.join(', ')}]`)
    }
  }

  private typeError(path: string, expected: string, value: Json): void {
    this.out.push({kind: 'type', message: `Value at '${path}' must be ${expected}, not ${describe(value)}`})
  }
}

const patterns = new Map<string, RegExp | undefined>()

/**
 * The model's patterns are Java regular expressions that must match the whole value. Most compile in JavaScript
 * with the `u` flag (for \p{L}); one or two only without it; one that compiles in neither is not enforced.
 */
function compile(pattern: string): RegExp | undefined {
  if (patterns.has(pattern)) return patterns.get(pattern)
  let regex: RegExp | undefined
  for (const flags of ['u', '']) {
    try {
      regex = new RegExp(`^(?:${pattern})$`, flags)
      break
    } catch {
      // Try the next flags.
    }
  }

  patterns.set(pattern, regex)
  return regex
}

/** How AWS's (Java) front end prints a value: null bare, anything else in single quotes, lists as [a, b]. */
export function render(value: Json): string {
  return value === null || value === undefined ? 'null' : `'${text(value)}'`
}

function text(value: Json): string {
  if (Array.isArray(value)) return `[${value.map((v) => text(v)).join(', ')}]`
  if (isObject(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${text(v)}`)
      .join(', ')}}`
  }

  return String(value)
}

function describe(value: Json): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${JSON.stringify(value)}`
}

const join = (path: string, name: string): string => (path ? `${path}.${name}` : name)

const isObject = (value: Json): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
