const {importBusybox, startDockerd} = require('./lib/dockerd')
/**
 * B9 the docker runtime's own cost: the time from SubmitJob to SUCCEEDED of a `true` job on an emulator with
 * --runtime docker (the job's createdAt to its stoppedAt, both the emulator's clock), against `docker run --rm
 * IMAGE true` on the same isolated daemon, alternated run by run. Needs root, dockerd and busybox-static.
 */
const {startEmulator} = require('./lib/emulator')
const {ms} = require('./lib/format')
const {finished, waitFor} = require('./lib/jobs')
const {median} = require('./lib/stats')

const IMAGE = 'mfbatch-bench/busybox:1'

async function submitTrue(emu) {
  const {jobId} = await emu.batch('submitjob', {
    containerOverrides: {command: ['true']},
    jobDefinition: 'b9-docker',
    jobName: 'b7',
    jobQueue: 'local',
  })
  const [job] = await waitFor(emu, [jobId], finished, 60_000)
  if (job.status !== 'SUCCEEDED') throw new Error(`the job ${job.status}: ${job.statusReason}`)
  return job.stoppedAt - job.createdAt
}

module.exports = {
  defaultRuns: 15,
  id: 'B9',
  async run({log, raw, runs}) {
    const dockerd = startDockerd()
    const saved = process.env.DOCKER_HOST
    process.env.DOCKER_HOST = dockerd.host
    let emu
    try {
      importBusybox(dockerd, IMAGE)
      emu = await startEmulator({args: ['--runtime', 'docker']})
      await emu.batch('registerjobdefinition', {
        containerProperties: {
          image: IMAGE,
          resourceRequirements: [
            {type: 'VCPU', value: '1'},
            {type: 'MEMORY', value: '64'},
          ],
        },
        jobDefinitionName: 'b9-docker',
        type: 'container',
      })
      await submitTrue(emu) // the first attempt of an image pays for the image check alone
      const jobs = []
      const plain = []
      for (let i = 0; i < runs; i++) {
        // eslint-disable-next-line no-await-in-loop -- one at a time: the thing measured
        jobs.push(await submitTrue(emu))
        const started = process.hrtime.bigint()
        const result = dockerd.docker(['run', '--rm', IMAGE, 'true'])
        if (result.status !== 0) throw new Error(`docker run: ${result.stderr}`)
        plain.push(Number(process.hrtime.bigint() - started) / 1e6)
      }

      log(`  B9 job: ${jobs.map((v) => ms(v)).join(' ')}`)
      log(`  B9 docker run: ${plain.map((v) => ms(v)).join(' ')}`)
      raw({dockerRun: plain, job: jobs})
      const more = median(jobs) - median(plain)
      return [
        {
          baseline: `${ms(median(plain))} (docker run --rm IMAGE true)`,
          met: more <= 500,
          mfbatch: ms(median(jobs)),
          ratio: `+${ms(more)}`,
          target: '≤ +500 ms',
          what: 'SubmitJob → SUCCEEDED of `true`, emulator --runtime docker, vs `docker run --rm` (same daemon)',
        },
      ]
    } finally {
      await emu?.remove()
      if (saved === undefined) delete process.env.DOCKER_HOST
      else process.env.DOCKER_HOST = saved
      dockerd.stop()
    }
  },
  title: 'docker runtime: a `true` job against docker run',
}
