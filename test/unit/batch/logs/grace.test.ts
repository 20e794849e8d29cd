import {quietSince} from '../../../../src/batch/logs/grace'

const NOW = 1_800_000_010_000

describe('since when a finished job has been quiet', () => {
  test.each([
    ['first round: from stoppedAt', undefined, {lastIngestion: 0, moved: false, stoppedAt: NOW - 2000}, NOW - 2000],
    [
      'first round: a line ingested after the stop',
      undefined,
      {lastIngestion: NOW - 500, moved: true, stoppedAt: NOW - 2000},
      NOW - 500,
    ],
    ['first round: nothing known', undefined, {lastIngestion: 0, moved: false}, NOW],
    [
      'first round: a clock ahead of ours counts as now',
      undefined,
      {lastIngestion: 0, moved: false, stoppedAt: NOW + 60_000},
      NOW,
    ],
    ['later, nothing new: unchanged', NOW - 1000, {lastIngestion: NOW - 3000, moved: false}, NOW - 1000],
    ['later, a late line: from its ingestion', NOW - 3000, {lastIngestion: NOW - 200, moved: true}, NOW - 200],
    ['later, a late line with no ingestion time: now', NOW - 3000, {lastIngestion: 0, moved: true}, NOW],
  ] as const)('%s', (_name, previous, facts, expected) => {
    expect(quietSince(previous, {...facts, now: NOW})).toBe(expected)
  })
})
