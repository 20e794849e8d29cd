const {run} = require('./proc')
/**
 * Hyperfine-like timing without hyperfine: each command run `runs` times after `warmup` rounds, the commands
 * interleaved round by round so that a burst of load on a shared machine hits all of them alike. The ratios in the
 * table come from medians measured this way, in the same run.
 */
const {median} = require('./stats')

/**
 * `commands`: {key: {command, args, options}}, or {key: {measure}} for something timed inside this process
 * (`measure()` resolves with its milliseconds), run in the same rounds. Resolves with {key: {median, samples,
 * rssKb}} (rssKb: the median peak RSS when `options.rss`).
 */
async function timeInterleaved(commands, {log = () => {}, runs, warmup = 1}) {
  // A command given as undefined is left out (a baseline not wanted in this run): its median is NaN.
  const keys = Object.keys(commands).filter((k) => commands[k] !== undefined)
  const samples = Object.fromEntries(keys.map((k) => [k, []]))
  const rss = Object.fromEntries(keys.map((k) => [k, []]))
  for (let round = -warmup; round < runs; round++) {
    for (const key of keys) {
      const {args, command, measure, options = {}} = commands[key]
      // eslint-disable-next-line no-await-in-loop -- one process at a time: concurrent runs would time each other
      const result = measure ? {ms: await measure()} : await run(command, args, options)
      if (round < 0) continue
      samples[key].push(result.ms)
      if (result.maxRssKb !== undefined) rss[key].push(result.maxRssKb)
    }

    if (round >= 0)
      log(`  round ${round + 1}/${runs}: ${keys.map((k) => `${k} ${Math.round(samples[k].at(-1))}ms`).join(', ')}`)
  }

  const missing = Object.keys(commands).filter((k) => commands[k] === undefined)
  return Object.fromEntries([
    ...missing.map((k) => [k, {median: Number.NaN, samples: []}]),
    ...keys.map((k) => [
      k,
      {median: median(samples[k]), rssKb: rss[k].length > 0 ? median(rss[k]) : undefined, samples: samples[k]},
    ]),
  ])
}

module.exports = {timeInterleaved}
