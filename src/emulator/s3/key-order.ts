/**
 * S3 lists keys in the binary order of their UTF-8 bytes. JavaScript compares UTF-16 code units, which agrees except
 * where a surrogate pair (a character above U+FFFF) meets a character from U+E000 to U+FFFF: UTF-8 puts the pair
 * after, UTF-16 before. So the strings are compared by code point.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    // At the first differing code unit, the code points there order the strings as their UTF-8 bytes do.
    if (a[i] !== b[i]) return a.codePointAt(i)! - b.codePointAt(i)!
  }

  return a.length - b.length
}

/** The index of the first of the sorted `keys` for which `before` is false (`before` true for a leading run). */
export function firstNotBefore(keys: readonly string[], before: (key: string) => boolean, from = 0): number {
  let low = from
  let high = keys.length
  while (low < high) {
    const mid = Math.floor((low + high) / 2)
    if (before(keys[mid])) low = mid + 1
    else high = mid
  }

  return low
}

/** The index of the first key after `marker` (keys equal to it excluded). */
export const firstAfter = (keys: readonly string[], marker: string) =>
  firstNotBefore(keys, (key) => compareKeys(key, marker) <= 0)

/** The index of the first key not under `prefix` that sorts after it. */
export const firstPast = (keys: readonly string[], prefix: string, from = 0) =>
  firstNotBefore(keys, (key) => key.startsWith(prefix) || compareKeys(key, prefix) < 0, from)
