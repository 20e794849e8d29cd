/**
 * B2's floor: every GetLogEvents page of a stream from the head until the token repeats, each parsed with
 * JSON.parse and dropped, one request at a time. `getLogEvents(input)` makes the call; the bench runs this in its
 * own process (the floor) and in a fresh `node` (floor-child.js: the floor with Node's start in it).
 */
const PAGE = 10_000

async function readPages(getLogEvents, group, stream) {
  const started = process.hrtime.bigint()
  let token
  let events = 0
  for (;;) {
    // eslint-disable-next-line no-await-in-loop -- pages follow tokens
    const page = await getLogEvents({
      limit: PAGE,
      logGroupName: group,
      logStreamName: stream,
      nextToken: token,
      startFromHead: true,
    })
    events += page.events.length
    if (page.nextForwardToken === token) break
    token = page.nextForwardToken
  }

  return {events, ms: Number(process.hrtime.bigint() - started) / 1e6}
}

module.exports = {PAGE, readPages}
