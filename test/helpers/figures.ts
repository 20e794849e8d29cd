/**
 * The figures a reliability test measured (faults injected, requests made, jobs, lines), printed with the test
 * output on stderr so a CI log shows what was proven, not only that it passed. README's Reliability section
 * summarises them.
 */
export function printFigures(test: string, figures: Record<string, number | string>): void {
  const parts = Object.entries(figures).map(([name, value]) => `${name}=${value}`)
  process.stderr.write(`figures: ${test}: ${parts.join(' ')}\n`)
}

/** Runs `work` over `items` with at most `limit` at once; results in the order of `items`. */
export async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T, i: number) => Promise<R>) {
  const results: R[] = Array.from({length: items.length})
  let next = 0
  const runners = Array.from({length: Math.min(limit, items.length)}, async () => {
    while (next < items.length) {
      const i = next++
      // eslint-disable-next-line no-await-in-loop -- each runner takes the next item when it is free
      results[i] = await work(items[i], i)
    }
  })
  await Promise.all(runners)
  return results
}
