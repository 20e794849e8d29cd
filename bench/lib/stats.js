/** Order statistics for benchmark samples. */

function sorted(values) {
  return [...values].sort((a, b) => a - b)
}

/** The p-th percentile (0..100) by linear interpolation between the closest ranks. */
function percentile(values, p) {
  if (values.length === 0) return Number.NaN
  const s = sorted(values)
  const rank = (p / 100) * (s.length - 1)
  const low = Math.floor(rank)
  const high = Math.ceil(rank)
  return s[low] + (s[high] - s[low]) * (rank - low)
}

function median(values) {
  return percentile(values, 50)
}

/** Median absolute deviation: the spread that one slow outlier cannot inflate. */
function mad(values) {
  const m = median(values)
  return median(values.map((v) => Math.abs(v - m)))
}

module.exports = {mad, median, percentile}
