/**
 * "Did you mean" for unknown config keys. Names are compared without case, `-` and `_`, so `iam_role` and
 * `IAM-Role` find `iamRole` at distance 0; otherwise the nearest name within a third of its length wins.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const target = normalize(word)
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const distance = editDistance(target, normalize(candidate))
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }

  return best !== undefined && bestDistance <= Math.max(2, Math.floor(target.length / 3)) ? best : undefined
}

function normalize(word: string): string {
  return word.toLowerCase().replaceAll(/[-_]/g, '')
}

/** Levenshtein distance, one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution)
    }

    previous = current
  }

  return previous[b.length]
}
