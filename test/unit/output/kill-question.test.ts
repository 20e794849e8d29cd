import type {JobStatus, JobSummary} from '@aws-sdk/client-batch'

import {killQuestion, killQuestionLines} from '../../../src/output/kill-question'

const job = (n: number, status: JobStatus = 'RUNNING'): JobSummary => ({
  createdAt: n,
  jobId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  jobName: `sweep-${n}`,
  status,
})

describe('kill --queue: what is shown before asking', () => {
  test('each job: id, status (aligned), name', () => {
    expect(killQuestionLines([job(1), job(2, 'RUNNABLE')], 'gpu')).toEqual([
      '2 jobs of queue gpu would be terminated:',
      '  00000000-0000-4000-8000-000000000001  RUNNING   sweep-1',
      '  00000000-0000-4000-8000-000000000002  RUNNABLE  sweep-2',
    ])
    expect(killQuestion([job(1), job(2)], 'gpu')).toBe('Terminate these 2 jobs of queue gpu?')
  })

  test("a job's name from AWS is shown inert", () => {
    expect(killQuestionLines([{...job(1), jobName: 'x\u001B]0;title\u0007'}], 'q')[1]).toBe(
      '  00000000-0000-4000-8000-000000000001  RUNNING  x^[]0;title^G',
    )
  })

  test('one job', () => {
    expect(killQuestionLines([job(7)], 'q')).toEqual([
      '1 job of queue q would be terminated:',
      '  00000000-0000-4000-8000-000000000007  RUNNING  sweep-7',
    ])
    expect(killQuestion([job(7)], 'q')).toBe('Terminate this job of queue q?')
  })

  test('the first 20, then how many more', () => {
    const jobs = Array.from({length: 45}, (_, i) => job(i))
    const lines = killQuestionLines(jobs, 'q')
    expect(lines).toHaveLength(22)
    expect(lines[20]).toBe('  00000000-0000-4000-8000-000000000019  RUNNING  sweep-19')
    expect(lines[21]).toBe('  and 25 more')
  })

  test('exactly 20: no "more" line', () => {
    expect(
      killQuestionLines(
        Array.from({length: 20}, (_, i) => job(i)),
        'q',
      ),
    ).toHaveLength(21)
  })
})
