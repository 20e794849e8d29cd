/**
 * Fixtures made straight through the emulator's HTTP API (no CLI start per request): a job definition, jobs that
 * print a given log, and crowds of jobs that stay RUNNABLE behind two blockers holding every vCPU.
 */
const DEFINITION = 'mfbatch-bench'

async function ensureDefinition(emu) {
  const found = await emu.batch('describejobdefinitions', {jobDefinitionName: DEFINITION, status: 'ACTIVE'})
  if (found.jobDefinitions?.length > 0) return found.jobDefinitions[0].jobDefinitionArn
  const made = await emu.batch('registerjobdefinition', {
    containerProperties: {
      image: 'public.ecr.aws/docker/library/busybox:latest',
      resourceRequirements: [
        {type: 'VCPU', value: '1'},
        // The emulator holds each attempt to its memory (cgroups or its watchdog): node printing 1,000,000 lines
        // needs more than 128 MiB.
        {type: 'MEMORY', value: '1024'},
      ],
    },
    jobDefinitionName: DEFINITION,
    type: 'container',
  })
  return made.jobDefinitionArn
}

async function submit(emu, command, {name = 'bench', queue = 'local'} = {}) {
  const definition = await ensureDefinition(emu)
  const out = await emu.batch('submitjob', {
    containerOverrides: {command},
    jobDefinition: definition,
    jobName: name,
    jobQueue: queue,
  })
  return out.jobId
}

async function describe(emu, ids) {
  const jobs = []
  for (let i = 0; i < ids.length; i += 100) {
    // eslint-disable-next-line no-await-in-loop -- a fixture check, not the thing measured
    const page = await emu.batch('describejobs', {jobs: ids.slice(i, i + 100)})
    jobs.push(...page.jobs)
  }

  return jobs
}

/** Polls until `done(job)` holds for every id (or throws after `timeoutMs`). */
async function waitFor(emu, ids, done, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    // eslint-disable-next-line no-await-in-loop
    const jobs = await describe(emu, ids)
    if (jobs.length === ids.length && jobs.every((job) => done(job))) return jobs
    if (Date.now() > deadline) throw new Error(`jobs not ready after ${timeoutMs} ms: ${jobs.map((j) => j.status)}`)
    // eslint-disable-next-line no-await-in-loop
    await new Promise((resolve) => {
      setTimeout(resolve, 200)
    })
  }
}

const finished = (job) => job.status === 'SUCCEEDED' || job.status === 'FAILED'

/**
 * A finished job whose log is `lines` lines of 79 bytes (78 + newline): an 8-digit line number, a space, 69 x's.
 * Printed by node in 64 KiB writes. Resolves with {jobId, group, stream}.
 */
async function jobWithLog(emu, lines) {
  const script =
    "const n=Number(process.argv[1]);const pad='x'.repeat(69);let b='';" +
    String.raw`for(let i=1;i<=n;i++){b+=String(i).padStart(8,'0')+' '+pad+'\n';if(b.length>65536){process.stdout.write(b);b=''}}` +
    'process.stdout.write(b)'
  const jobId = await submit(emu, ['node', '-e', script, String(lines)], {name: `log-${lines}`})
  const [job] = await waitFor(emu, [jobId], finished)
  if (job.status !== 'SUCCEEDED') throw new Error(`the log job ended ${job.status}: ${job.statusReason}`)
  return {group: '/aws/batch/job', jobId, stream: job.container.logStreamName}
}

/**
 * `count` jobs that stay RUNNABLE: two `sleep` blockers take the queue's two vCPUs first (start the emulator with
 * `--vcpus 2`). Submitted 16 at a time. Resolves with the ids of the waiting jobs.
 */
async function runnableCrowd(emu, count, {blockers = 2} = {}) {
  const blocking = []
  for (let i = 0; i < blockers; i++) {
    // eslint-disable-next-line no-await-in-loop
    blocking.push(await submit(emu, ['sleep', '3600'], {name: 'blocker'}))
  }

  await waitFor(emu, blocking, (job) => job.status === 'RUNNING')
  const ids = Array.from({length: count})
  let next = 0
  const worker = async () => {
    while (next < count) {
      const i = next++
      // eslint-disable-next-line no-await-in-loop
      ids[i] = await submit(emu, ['sleep', '600'], {name: `crowd-${i}`})
    }
  }

  await Promise.all(Array.from({length: 16}, worker))
  await waitFor(emu, ids, (job) => job.status === 'RUNNABLE')
  return ids
}

module.exports = {describe, ensureDefinition, finished, jobWithLog, runnableCrowd, submit, waitFor}
