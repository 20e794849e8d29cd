/**
 * B10 a job's outputs, round trip through the emulator (issue 24): a job writes 1 GiB of random bytes and declares
 * it with `--output`; its side is the time from its command's end (the last log line is the clock then) to the
 * job's stoppedAt: the bootstrap streams tar's archive (gzip only up to 64 MiB, so not here) to one python process
 * that uploads, hashes and counts it and puts the manifest (the job's /usr/bin/python3 has boto3 here; without it,
 * tee, a hasher and `aws s3 cp -`, timed among the steps). mfbatch's side is `mfbatch outputs JOB --to DIR` of that archive (download,
 * SHA-256 checked, unpacked). The baselines are `aws s3 cp` of a 1 GiB file up to the same emulator, and of the
 * job's archive down. The job side's steps are also timed one by one on this machine (the emulator runs jobs as local
 * processes), to show where its time goes. Peak RSS of `outputs` at 256 MiB and at 1 GiB shows whether it stays
 * flat in the size of the outputs.
 *
 * The job runs with PATH=/usr/bin:/bin so its `aws` is the baseline's (/usr/bin/aws, v2), not an older one first on
 * this machine's PATH.
 *
 * MFBATCH_BENCH_BEFORE=/other/checkout/bin/run.js submits the same job with that build in the same rounds: its job
 * side is its own bootstrap's, so the rows compare the two bootstraps against one `aws s3 cp`.
 */
const {mkdirSync, mkdtempSync, rmSync} = require('node:fs')
const {tmpdir} = require('node:os')
const {join} = require('node:path')

const {awsEnv} = require('./lib/aws')
const {startEmulator} = require('./lib/emulator')
const {mb, ms, ratio} = require('./lib/format')
const {AWS, RUN} = require('./lib/paths')
const {run} = require('./lib/proc')
const {median} = require('./lib/stats')

const MIB = 1024 * 1024
const BUCKET = 'bench-b10'

const pause = (milliseconds) =>
  new Promise((resolve) => {
    setTimeout(resolve, milliseconds)
  })

module.exports = {
  defaultRuns: 3,
  id: 'B10',
  async run({log, quick, raw, runs}) {
    const big = quick ? 64 : 1024
    const small = quick ? 16 : 256
    const base = mkdtempSync(join(tmpdir(), 'mfbatch-bench-b10-'))
    const emu = await startEmulator()
    // mfbatch's own files (recent jobs, the submit cache) and the AWS CLI's stay in the bench's folder.
    const env = {...emu.env, HOME: base, MFBATCH_CACHE_DIR: join(base, 'cache'), XDG_DATA_HOME: join(base, 'data')}
    const before = process.env.MFBATCH_BENCH_BEFORE
    const cli = (args, options = {}, build = RUN) =>
      run(process.execPath, [build, ...args], {env, stdout: 'pipe', ...options})
    const awsCli = (args, options = {}) =>
      run(AWS, ['--endpoint-url', emu.url, ...args], {env: {...awsEnv(emu), HOME: base}, stdout: 'pipe', ...options})

    /** A job that writes `mebibytes` of random bytes to big.bin; resolves once it SUCCEEDED, with its side's time. */
    async function outputsJob(mebibytes, build = RUN) {
      const script = `head -c ${mebibytes * MIB} /dev/urandom > big.bin && date +%s%3N`
      const submitted = await cli(
        [
          'submit',
          '--queue',
          'local',
          '--quiet',
          '--package-root',
          `s3://${BUCKET}/root`,
          '--env',
          'PATH=/usr/bin:/bin',
          '--memory',
          '2048',
          '--output',
          'big.bin',
          '--',
          'sh',
          '-c',
          script,
        ],
        {},
        build,
      )
      const jobId = submitted.stdout.trim()
      for (;;) {
        // eslint-disable-next-line no-await-in-loop -- polled until the job has ended
        const {jobs} = await emu.batch('describejobs', {jobs: [jobId]})
        const [job] = jobs
        if (job.status === 'FAILED') throw new Error(`job ${jobId} FAILED: ${job.statusReason}`)
        if (job.status === 'SUCCEEDED') {
          // eslint-disable-next-line no-await-in-loop
          const logged = await cli(['logs', jobId])
          const ended = Number(/^(\d{13})$/m.exec(logged.stdout)?.[1])
          return {jobId, sideMs: job.stoppedAt - ended}
        }

        // eslint-disable-next-line no-await-in-loop
        await pause(200)
      }
    }

    /** `outputs JOB --to DIR` into a fresh folder, timed, with its peak RSS; the folder removed after. */
    async function download(jobId) {
      const into = join(base, `got-${jobId}`)
      try {
        const got = await cli(['outputs', jobId, '--to', into], {rss: true})
        if (!got.stdout.trim().endsWith('/big.bin')) throw new Error(`outputs placed ${got.stdout}`)
        return got
      } finally {
        rmSync(into, {force: true, recursive: true})
      }
    }

    try {
      await awsCli(['s3', 'mb', `s3://${BUCKET}`])
      const local = join(base, 'local')
      mkdirSync(local)
      const file = join(local, 'big.bin')
      await run('sh', ['-c', `head -c ${big * MIB} /dev/urandom > ${file}`])
      const samples = []
      for (let round = 0; round < runs; round++) {
        // eslint-disable-next-line no-await-in-loop -- one step at a time: each would slow the others
        const job = await outputsJob(big)
        // eslint-disable-next-line no-await-in-loop
        const beforeJob = before ? await outputsJob(big, before) : undefined
        // eslint-disable-next-line no-await-in-loop
        const listed = await cli(['outputs', job.jobId, '--list'])
        const fields = listed.stdout.trim().split('\t')
        const [bytes, url] = [fields[2], fields[3]]
        // eslint-disable-next-line no-await-in-loop
        const up = await awsCli(['s3', 'cp', '--only-show-errors', file, `s3://${BUCKET}/baseline/big.bin`])
        // eslint-disable-next-line no-await-in-loop
        const down = await download(job.jobId)
        const copy = join(base, 'copy.tar')
        // eslint-disable-next-line no-await-in-loop
        const awsDown = await awsCli(['s3', 'cp', '--only-show-errors', url, copy])
        rmSync(copy, {force: true})
        const sample = {
          archiveBytes: Number(bytes),
          awsDownMs: awsDown.ms,
          awsUpMs: up.ms,
          ...(beforeJob ? {beforeJobSideMs: beforeJob.sideMs} : {}),
          jobSideMs: job.sideMs,
          outputsMs: down.ms,
          outputsRssKb: down.maxRssKb,
        }
        log(
          `  round ${round + 1}/${runs}: job side ${ms(sample.jobSideMs)}` +
            `${beforeJob ? ` (before: ${ms(beforeJob.sideMs)})` : ''}, aws up ${ms(up.ms)}; ` +
            `outputs ${ms(down.ms)} (peak ${mb(down.maxRssKb)}), aws down ${ms(awsDown.ms)}`,
        )
        samples.push(sample)
      }

      // The job side step by step, as its bootstrap runs them (bootstrap-section.ts), on the same file.
      const steps = {}
      const step = async (name, command) => {
        steps[name] = (await run('sh', ['-c', command], {cwd: local, env: {...awsEnv(emu), HOME: base}})).ms
      }

      // As the bootstrap does above GZIP_LIMIT: tar's stream through tee to the hasher (openssl, as this machine has
      // it) and to `aws s3 cp -`; then the same without the hasher, and the way before it (an archive file, hashed
      // beside its upload).
      const tar = 'tar --sort=name --mtime=@946684800 --owner=0 --group=0 --numeric-owner'
      const cp = `${AWS} --endpoint-url ${emu.url} s3 cp --only-show-errors`
      await step(
        'tar | tee (openssl) | aws s3 cp -',
        `rm -f h; mkfifo h; openssl dgst -sha256 -r <h >o.sha & ${tar} -cf - big.bin | tee h | ${cp} - s3://${BUCKET}/s1; wait`,
      )
      await step('tar | aws s3 cp -', `${tar} -cf - big.bin | ${cp} - s3://${BUCKET}/s2`)
      await step(
        'tar to a file, then aws s3 cp (openssl beside)',
        `${tar} -cf o.tar big.bin && { openssl dgst -sha256 -r <o.tar >o.sha & ${cp} o.tar s3://${BUCKET}/s3; wait; }; rm -f o.tar h`,
      )
      log(
        `  job side step by step: ${Object.entries(steps)
          .map(([k, v]) => `${k} ${ms(v)}`)
          .join(', ')}`,
      )

      // Peak RSS at a quarter of the size: flat if it does not grow with the outputs.
      const smallJob = await outputsJob(small)
      const smallRss = []
      for (let i = 0; i < Math.max(2, runs); i++) {
        // eslint-disable-next-line no-await-in-loop
        smallRss.push((await download(smallJob.jobId)).maxRssKb)
      }

      raw({samples, smallRss, steps})
      const m = (key) => median(samples.map((s) => s[key]))
      const rate = (milliseconds) => `${((big / milliseconds) * 1000).toFixed(0)} MiB/s`
      const size = big === 1024 ? '1 GiB' : `${big} MiB`
      const share = (mine, theirs) => theirs / mine
      const trip = m('jobSideMs') + m('outputsMs')
      const awsTrip = m('awsUpMs') + m('awsDownMs')
      const bigRss = m('outputsRssKb')
      const smallPeak = median(smallRss)
      const beforeRows = before
        ? [
            {
              baseline: `aws s3 cp up ${ms(m('awsUpMs'))} (${rate(m('awsUpMs'))})`,
              mfbatch: `${ms(m('beforeJobSideMs'))} (${rate(m('beforeJobSideMs'))})`,
              ratio: `${(share(m('beforeJobSideMs'), m('awsUpMs')) * 100).toFixed(0)} %`,
              target: '-',
              what: `the job's side of MFBATCH_BENCH_BEFORE, in the same rounds`,
            },
          ]
        : []
      return [
        {
          baseline: `aws s3 cp up ${ms(m('awsUpMs'))} (${rate(m('awsUpMs'))})`,
          met: share(m('jobSideMs'), m('awsUpMs')) >= 0.8,
          mfbatch: `${ms(m('jobSideMs'))} (${rate(m('jobSideMs'))})`,
          ratio: `${(share(m('jobSideMs'), m('awsUpMs')) * 100).toFixed(0)} %`,
          target: '≥ 80 %',
          what: `the job's side: pack, hash and upload a ${size} output (${mb(m('archiveBytes') / 1024)} archive)`,
        },
        ...beforeRows,
        {
          baseline: `aws s3 cp down ${ms(m('awsDownMs'))} (${rate(m('awsDownMs'))})`,
          met: share(m('outputsMs'), m('awsDownMs')) >= 0.8,
          mfbatch: `${ms(m('outputsMs'))} (${rate(m('outputsMs'))})`,
          ratio: `${(share(m('outputsMs'), m('awsDownMs')) * 100).toFixed(0)} %`,
          target: '≥ 80 %',
          what: `\`mfbatch outputs JOB --to DIR\`: download, check and unpack ${size}`,
        },
        {
          baseline: `${ms(awsTrip)} (${rate(awsTrip)})`,
          met: share(trip, awsTrip) >= 0.8,
          mfbatch: `${ms(trip)} (${rate(trip)})`,
          ratio: `${(share(trip, awsTrip) * 100).toFixed(0)} %`,
          target: '≥ 80 %',
          what: `${size} round trip (job side + outputs) vs aws s3 cp up + down`,
        },
        {
          baseline: `${mb(smallPeak)} at ${small} MiB`,
          met: bigRss <= smallPeak * 1.25,
          mfbatch: `${mb(bigRss)} at ${size}`,
          ratio: ratio(bigRss / smallPeak),
          target: 'flat (≤ 1.25x for 4x the size)',
          what: 'peak RSS of `mfbatch outputs`',
        },
        {
          baseline: '-',
          mfbatch: Object.entries(steps)
            .map(([k, v]) => `${k} ${ms(v)}`)
            .join(', '),
          ratio: '-',
          target: '-',
          what: `the job side's steps one by one on the ${size} file`,
        },
      ]
    } finally {
      await emu.remove()
      rmSync(base, {force: true, recursive: true})
    }
  },
  title: 'outputs: a 1 GiB round trip against aws s3 cp',
}
