import {failedChildLines} from '../../../src/wait/failed-children'
import {killHint} from '../../../src/wait/kill-hint'

const JOB = '0f3c2a7e-8f3b-4b7a-9a51-3d1e2f4a5b6c'

describe('failed array children, one a line', () => {
  test('index as a child id, exit code (or none), reason when there is one', () => {
    expect(
      failedChildLines(JOB, [
        {exitCode: 3, index: 1, reason: 'Essential container in task exited'},
        {index: 4, reason: 'Job terminated'},
        {exitCode: 137, index: 7},
      ]),
    ).toEqual([
      `array child ${JOB}:1 FAILED (exit 3): Essential container in task exited`,
      `array child ${JOB}:4 FAILED (no exit code): Job terminated`,
      `array child ${JOB}:7 FAILED (exit 137)`,
    ])
  })

  test('more than ten: the first ten, then where to see the rest', () => {
    const children = Array.from({length: 13}, (_, index) => ({exitCode: 1, index}))
    const lines = failedChildLines(JOB, children, 'mfbatch')
    expect(lines).toHaveLength(11)
    expect(lines.at(-1)).toBe(`and 3 more failed children: mfbatch status ${JOB}`)
  })

  test('none failed: nothing', () => {
    expect(failedChildLines(JOB, [])).toEqual([])
  })
})

describe('the kill command a RUNNABLE diagnosis ends with', () => {
  test('with the connection flags as typed', () => {
    expect(killHint(JOB, 'mfbatch', ' --local')).toBe(`  to stop waiting for it: mfbatch kill ${JOB} --local`)
    expect(killHint(JOB, 'mfbatch')).toBe(`  to stop waiting for it: mfbatch kill ${JOB}`)
  })
})
