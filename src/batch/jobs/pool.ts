/**
 * Runs `work` over `items` with at most `limit` calls in flight, and returns the results in input order. Bulk
 * DescribeJobs and TerminateJob go through it: parallel enough to be fast, few enough not to earn throttling.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = Array.from<R>({length: items.length})
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      // eslint-disable-next-line no-await-in-loop -- each worker takes one item at a time; the workers run in parallel
      results[index] = await work(items[index], index)
    }
  }

  await Promise.all(Array.from({length: Math.max(1, Math.min(limit, items.length))}, worker))
  return results
}
