/**
 * CloudWatch Logs filter patterns for unstructured events: `ERROR` (the term must appear), `ERROR Exception` (all
 * terms), `"out of memory"` (a phrase), `?ERROR ?WARN` (any of them), `ERROR -Retrying` (not that term) and
 * `%regex%`. Matching is case-sensitive, as on AWS. JSON (`{ $.x = 1 }`) and space-delimited (`[ip, user, ...]`)
 * patterns are refused with a clear message: no client of this project sends them.
 */
import {ApiError} from '../contract'

export type Matcher = (message: string) => boolean

interface Term {
  kind: 'any' | 'must' | 'not'
  test: Matcher
}

export function compileFilterPattern(pattern: string | undefined): Matcher {
  const text = (pattern ?? '').trim()
  if (text === '') return () => true
  if (text.startsWith('{') || text.startsWith('[')) {
    throw new ApiError(
      'InvalidParameterException',
      String.raw`The mfbatch emulator supports term filter patterns only ("ERROR", "\"a phrase\"", "?A ?B", "-C", "%regex%"), ` +
        'not JSON or space-delimited ones',
    )
  }

  const terms = tokenize(text)
  const must = terms.filter((t) => t.kind === 'must')
  const not = terms.filter((t) => t.kind === 'not')
  const any = terms.filter((t) => t.kind === 'any')
  return (message) =>
    must.every((t) => t.test(message)) &&
    !not.some((t) => t.test(message)) &&
    (any.length === 0 || any.some((t) => t.test(message)))
}

function tokenize(text: string): Term[] {
  const terms: Term[] = []
  let i = 0
  while (i < text.length) {
    if (/\s/.test(text[i])) {
      i++
      continue
    }

    let kind: Term['kind'] = 'must'
    if (text[i] === '?' || text[i] === '-') {
      kind = text[i] === '?' ? 'any' : 'not'
      i++
    }

    let word: string
    if (text[i] === '"') {
      const close = text.indexOf('"', i + 1)
      if (close === -1) throw invalid(`unterminated quote in filter pattern: ${text}`)
      word = text.slice(i + 1, close)
      i = close + 1
      terms.push({kind, test: (m) => m.includes(word)})
      continue
    }

    if (text[i] === '%') {
      // A regular expression may hold spaces: it runs to the next %.
      const close = text.indexOf('%', i + 1)
      if (close === -1) throw invalid(`unterminated regular expression in filter pattern: ${text}`)
      terms.push({kind, test: regexTerm(text.slice(i + 1, close))})
      i = close + 1
      continue
    }

    let end = i
    while (end < text.length && !/\s/.test(text[end])) end++
    word = text.slice(i, end)
    i = end
    if (word !== '') terms.push({kind, test: (m) => m.includes(word)})
  }

  return terms
}

function regexTerm(source: string): Matcher {
  let regex: RegExp
  try {
    regex = new RegExp(source)
  } catch {
    throw invalid(`invalid regular expression in filter pattern: %${source}%`)
  }

  return (m) => regex.test(m)
}

const invalid = (message: string): ApiError => new ApiError('InvalidParameterException', message)
