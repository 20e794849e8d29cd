/**
 * `mfbatch emulator --runtime docker` end to end: the built CLI and AWS's JavaScript client against an emulator whose
 * attempts are containers on an isolated Docker daemon this file starts (test/helpers/dockerd.ts), with images made
 * by `docker import` (no registry is reachable here). Without a daemon the file is skipped, saying why, unless
 * MFBATCH_TEST_DOCKER=required (CI), where that is a failure.
 */
import {
  BatchClient,
  DescribeJobsCommand,
  type JobDetail,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
  type SubmitJobCommandInput,
} from '@aws-sdk/client-batch'
import {createHash} from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import path from 'node:path'

import {boto3Root, busyboxRoot, dockerRequired, python3Root, startDockerd} from '../helpers/dockerd'
import {removeStateDir, runCli, type RunResult, startEmulator, type TestEmulator} from '../helpers/emulator'

const started = startDockerd()
if (started.reason !== undefined) {
  if (dockerRequired()) throw new Error(`MFBATCH_TEST_DOCKER=required, but ${started.reason}`)
  process.stderr.write(`docker-runtime.test.ts skipped: ${started.reason}\n`)
}

const dockerd = started.dockerd!
const describeDocker = started.dockerd ? describe : describe.skip

const BUSYBOX = 'mfbatch-test/busybox:1'
const PYTHON = 'mfbatch-test/python:1'
const BOTO3 = 'mfbatch-test/boto3:1'
const STATE_LABEL = 'mfbatch.emulator.state-dir'
const FINAL = new Set(['FAILED', 'SUCCEEDED'])

let emulator: TestEmulator
let batch: BatchClient
let scratch: string

const cli = (args: string[], options: {cwd?: string} = {}): Promise<RunResult> =>
  runCli(args, {cwd: options.cwd, env: emulator.env})
const submit = (args: string[], options: {cwd?: string} = {}): Promise<RunResult> =>
  cli(['submit', '--queue', 'local', ...(args.includes('--memory') ? [] : ['--memory', '64']), ...args], options)

const pause = (ms: number) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms)
  })

const waitFor = (jobId: string, done: (job: JobDetail) => boolean, timeoutMs?: number): Promise<JobDetail> =>
  waitForOn(batch, jobId, done, timeoutMs)

async function waitForOn(
  client: BatchClient,
  jobId: string,
  done: (job: JobDetail) => boolean,
  timeoutMs = 30_000,
): Promise<JobDetail> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    // eslint-disable-next-line no-await-in-loop -- polling, one call at a time
    const {jobs} = await client.send(new DescribeJobsCommand({jobs: [jobId]}))
    if (done(jobs![0])) return jobs![0]
    if (Date.now() > deadline) throw new Error(`job ${jobId} is still ${jobs![0].status}`)
    // eslint-disable-next-line no-await-in-loop
    await pause(50)
  }
}

const finished = (jobId: string, timeoutMs?: number) => waitFor(jobId, (job) => FINAL.has(job.status!), timeoutMs)

/** Registers a definition of the busybox image with extra container properties and submits one job of it. */
async function submitDefinition(
  name: string,
  container: Record<string, unknown>,
  extra: Partial<SubmitJobCommandInput> = {},
) {
  await batch.send(
    new RegisterJobDefinitionCommand({
      containerProperties: {
        image: BUSYBOX,
        resourceRequirements: [
          {type: 'VCPU', value: '1'},
          {type: 'MEMORY', value: '64'},
        ],
        ...container,
      },
      jobDefinitionName: name,
      type: 'container',
    }),
  )
  const {jobId} = await batch.send(
    new SubmitJobCommand({jobDefinition: name, jobName: name, jobQueue: 'local', ...extra}),
  )
  return jobId!
}

/** Polls `check` every 50 ms until it holds (or fails the test after 20 s). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return
    // eslint-disable-next-line no-await-in-loop -- polling
    await pause(50)
  }

  throw new Error(`still not so after 20 s: ${check.toString()}`)
}

/** The emulator's containers (by its state dir's label), running or not. */
const containersOf = (stateDir: string): string[] =>
  dockerd
    .docker(['ps', '--all', '--quiet', '--filter', `label=${STATE_LABEL}=${stateDir}`])
    .split('\n')
    .filter(Boolean)

/** The status line `submit --wait` ends with, without the job id. */
const endLine = (result: RunResult): string =>
  result.stderr
    .trim()
    .split('\n')
    .at(-1)!
    .replace(/ job \S+ [\da-f-]{36} /, ' job JOB ')

/** Whether this daemon refuses what the machine cannot grant (root without CAP_SYS_RESOURCE, as here). */
const refuses = (args: string[]): boolean => {
  try {
    dockerd.docker(['run', '--rm', ...args, BUSYBOX, 'true'])
    return false
  } catch {
    return true
  }
}

describeDocker('emulator --runtime docker', () => {
  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mfbatch-docker-e2e-'))
    const busybox = path.join(scratch, 'busybox-root')
    busyboxRoot(busybox)
    fs.writeFileSync(path.join(busybox, 'etc/os-release'), 'NAME="mfbatch test image"\nID=mfbatch-test\n')
    fs.writeFileSync(
      path.join(busybox, 'etc/passwd'),
      'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n',
    )
    fs.mkdirSync(path.join(busybox, 'srv/app'), {recursive: true})
    dockerd.importImage(BUSYBOX, busybox, [
      'ENV PATH=/bin',
      'WORKDIR /srv/app',
      `CMD ["sh", "-c", "echo the image CMD ran in $(pwd)"]`,
    ])
    // Only sh (dash: busybox's sh would find its other applets) and python3: the package bootstrap must do with that.
    const python = path.join(scratch, 'python-root')
    python3Root(python)
    dockerd.importImage(PYTHON, python, ['ENV PATH=/usr/bin:/bin'])
    const boto3 = path.join(scratch, 'boto3-root')
    boto3Root(boto3)
    dockerd.importImage(BOTO3, boto3, ['ENV PATH=/usr/bin:/bin'])
    emulator = await startEmulator({args: ['--runtime', 'docker', '--vcpus', '4'], env: dockerd.env})
    batch = new BatchClient({
      credentials: emulator.credentials,
      endpoint: emulator.url,
      maxAttempts: 1,
      region: 'us-east-1',
    })
  }, 120_000)

  afterAll(async () => {
    await emulator?.stop()
    if (emulator) removeStateDir(emulator.stateDir)
    dockerd.stop()
    fs.rmSync(scratch, {force: true, recursive: true})
  }, 60_000)

  test('emulator status names the runtime', async () => {
    const status = await cli(['emulator', 'status', '--port', String(emulator.port), '--state-dir', emulator.stateDir])
    expect([status.code, status.stdout.split('\n')[0], status.stdout.split('\n').at(-2)]).toEqual([
      0,
      expect.stringMatching(new RegExp(`^running in the foreground at ${emulator.url}, answering \\(pid \\d+, `)),
      'runtime: docker; memory limits: docker; GPUs: none',
    ])
  })

  test("the job sees its image's files, working directory and PATH, its variables and the emulator", async () => {
    const script =
      'head -1 /etc/os-release; pwd; echo "PATH=$PATH"; echo "$AWS_BATCH_JQ_NAME $AWS_EXECUTION_ENV"; ' +
      'wget -q -O /dev/null "$ECS_CONTAINER_METADATA_URI_V4" 2>/dev/null; echo "exit $GREETING"; exit 3'
    const run = await submit(['--image', BUSYBOX, '--env', 'GREETING=3', '--follow', '--', 'sh', '-c', script])
    expect([run.code, run.stdout]).toEqual([
      3,
      'NAME="mfbatch test image"\n/srv/app\nPATH=/bin\nlocal AWS_ECS_EC2\nexit 3\n',
    ])
    expect(endLine(run)).toBe('mfbatch: job JOB FAILED (exit 3): Essential container in task exited')
  })

  test('the job reaches the emulator from inside its container: its credentials and task metadata endpoints', async () => {
    // python3 in the image asks the endpoints the emulator gave it, as an SDK in a task would.
    const program =
      'import json, os, urllib.request as u\n' +
      'meta = json.load(u.urlopen(os.environ["ECS_CONTAINER_METADATA_URI_V4"] + "/task"))\n' +
      'req = u.Request(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"], ' +
      'headers={"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]})\n' +
      'creds = json.load(u.urlopen(req))\n' +
      'print(meta["Containers"][0]["Image"], "AccessKeyId" in creds)\n'
    const run = await submit(['--image', PYTHON, '--follow', '--', 'python3', '-c', program])
    expect([run.code, run.stdout]).toEqual([0, `${PYTHON} True\n`])
  })

  test("an empty command runs the image's CMD; the definition's user runs it", async () => {
    const cmd = await finished(await submitDefinition('docker-cmd', {}))
    const user = await finished(await submitDefinition('docker-user', {command: ['id', '-u'], user: 'nobody'}))
    const logs = await Promise.all([cmd, user].map((job) => cli(['logs', job.jobId!])))
    expect([cmd.status, logs[0].stdout, user.status, logs[1].stdout]).toEqual([
      'SUCCEEDED',
      'the image CMD ran in /srv/app\n',
      'SUCCEEDED',
      '65534\n',
    ])
  })

  test('over its MEMORY the container is OOM-killed: exit 137 and the OutOfMemoryError reason', async () => {
    const run = await submit([
      '--memory',
      '16',
      '--image',
      BUSYBOX,
      '--wait',
      '--',
      'sh',
      '-c',
      'head -c 64000000 /dev/zero | tail',
    ])
    expect(run.code).toBe(137)
    const job = await finished(run.stdout.trim())
    expect([job.status, job.container?.exitCode, job.container?.reason]).toEqual([
      'FAILED',
      137,
      'OutOfMemoryError: Container killed due to memory usage',
    ])
  })

  test('a read-only root with a tmpfs, an init process and ulimits, as the definition asks', async () => {
    const script =
      'touch /made 2>/dev/null || echo read-only; touch /scratch/made && echo tmpfs writable; ' +
      'ulimit -Sn; ulimit -Hn; cat /proc/1/comm'
    const job = await finished(
      await submitDefinition('docker-linux', {
        command: ['sh', '-c', script],
        linuxParameters: {initProcessEnabled: true, tmpfs: [{containerPath: '/scratch', size: 16}]},
        readonlyRootFilesystem: true,
        ulimits: [{hardLimit: 2048, name: 'nofile', softLimit: 1024}],
      }),
    )
    const logs = await cli(['logs', job.jobId!])
    expect([job.status, logs.stdout]).toEqual(['SUCCEEDED', 'read-only\ntmpfs writable\n1024\n2048\ndocker-init\n'])
  })

  test('maxSwap, swappiness and sharedMemorySize reach the container', async () => {
    const script =
      'cd /sys/fs/cgroup/memory; cat memory.limit_in_bytes memory.memsw.limit_in_bytes memory.swappiness; ' +
      "df -m /dev/shm | tail -1 | awk '{print $2}'"
    const run = await submit([
      '--memory',
      '32',
      '--max-swap',
      '64',
      '--swappiness',
      '10',
      '--shared-memory',
      '48',
      '--image',
      BUSYBOX,
      '--follow',
      '--',
      'sh',
      '-c',
      script,
    ])
    expect([run.code, run.stdout]).toEqual([0, `${32 * 1024 * 1024}\n${96 * 1024 * 1024}\n10\n48\n`])
  })

  test('TerminateJob stops the container (SIGTERM first) and a timeout does too; containers are removed', async () => {
    const trapping = ['sh', '-c', 'trap "echo got TERM; exit 143" TERM; echo started; sleep 600 & wait']
    const terminated = await submitDefinition('docker-terminate', {command: trapping})
    await waitFor(terminated, (job) => job.status === 'RUNNING')
    const kill = await cli(['kill', terminated])
    const timedOut = await submitDefinition(
      'docker-timeout',
      {command: trapping},
      {timeout: {attemptDurationSeconds: 1}},
    )
    const jobs = await Promise.all([finished(terminated), finished(timedOut)])
    expect(kill.code).toBe(0)
    expect(jobs.map((job) => [job.status, job.statusReason, job.container?.exitCode])).toEqual([
      ['FAILED', 'Terminated by mfbatch', 143],
      ['FAILED', 'Job attempt duration exceeded timeout', 143],
    ])
    const logs = await cli(['logs', terminated])
    expect(logs.stdout).toBe('started\ngot TERM\n')
  })

  test('--output: TERM reaches the command (a child of the bootstrap), and what it writes on the way out comes back', async () => {
    const project = fs.mkdtempSync(path.join(scratch, 'term-'))
    const trapping =
      'trap "echo got TERM; echo written on TERM > out.txt; exit 143" TERM; echo started; sleep 600 & wait'
    const root = ['--package-root', 's3://mfbatch-local/docker-term']
    const run = await submit([...root, '--image', BOTO3, '--output', 'out.txt', '--', 'sh', '-c', trapping], {
      cwd: project,
    })
    const jobId = run.stdout.trim()
    expect([run.code, jobId]).toEqual([0, expect.stringMatching(/^[\da-f-]{36}$/)])
    await waitFor(jobId, (job) => job.status === 'RUNNING', 60_000)
    // The trap is set once "started" is in the log: only then is TERM the command's to handle.
    const deadline = Date.now() + 30_000
    let seen = await cli(['logs', jobId])
    while (seen.stdout !== 'started\n') {
      if (Date.now() > deadline) throw new Error(`the job never printed "started": ${seen.stdout}${seen.stderr}`)
      // eslint-disable-next-line no-await-in-loop
      seen = await cli(['logs', jobId])
      // eslint-disable-next-line no-await-in-loop
      await pause(100)
    }

    expect((await cli(['kill', jobId])).code).toBe(0)
    const job = await finished(jobId, 60_000)
    expect([job.status, job.statusReason, job.container?.exitCode]).toEqual(['FAILED', 'Terminated by mfbatch', 143])
    expect((await cli(['logs', jobId])).stdout).toBe('started\ngot TERM\n')
    const back = path.join(project, 'back')
    const outputs = await cli(['outputs', jobId, '--to', back])
    expect({code: outputs.code, stderr: outputs.stderr}).toEqual({code: 0, stderr: expect.any(String)})
    expect(fs.readFileSync(path.join(back, 'out.txt'), 'utf8')).toBe('written on TERM\n')
  })

  test('--output over 64 MiB in an image of busybox and boto3: streamed by busybox tar and tee to boto3, back whole', async () => {
    const project = fs.mkdtempSync(path.join(scratch, 'big-'))
    const make = 'head -c 67108865 /dev/urandom > big.bin && sha256sum big.bin'
    const root = ['--package-root', 's3://mfbatch-local/docker-big']
    const args = [
      ...root,
      '--image',
      BOTO3,
      '--memory',
      '512',
      '--output',
      'big.bin',
      '--follow',
      '--',
      'sh',
      '-c',
      make,
    ]
    const run = await submit(args, {cwd: project})
    expect([run.code, run.stderr]).toEqual([0, expect.any(String)])
    // The job's own sha256sum line names the file that came back.
    const sum = createHash('sha256')
      .update(fs.readFileSync(path.join(project, 'big.bin')))
      .digest('hex')
    expect(run.stdout).toBe(`${sum}  big.bin\n`)
    const listed = (await cli(['outputs', 'last', '--list'], {cwd: project})).stdout.trim().split('\t')
    expect(listed[3]).toMatch(/\/attempt-1\.tar$/)
  })

  test('--package works in an image with only sh and python3', async () => {
    const project = fs.mkdtempSync(path.join(scratch, 'project-'))
    fs.writeFileSync(path.join(project, 'hello.txt'), 'hello from the package\n')
    const run = await submit(
      [
        '--package',
        '--package-root',
        's3://mfbatch-local/docker-e2e',
        '--image',
        PYTHON,
        // The bootstrap is quiet when it works; verbose, its steps show which way it downloaded.
        '--env',
        'MFBATCH_BOOTSTRAP_VERBOSE=1',
        '--follow',
        '--',
        'sh',
        '-c',
        'read line < hello.txt; echo "$line"',
      ],
      {cwd: project},
    )
    const steps = run.stdout.split('\n').filter((line) => line.startsWith('mfbatch-bootstrap: downloaded'))
    expect([
      run.code,
      run.stdout
        .split('\n')
        .filter((l) => !l.startsWith('mfbatch-bootstrap: '))
        .join('\n'),
    ]).toEqual([0, 'hello from the package\n'])
    expect(steps).toEqual([expect.stringMatching(/^mfbatch-bootstrap: downloaded with urllib \(\d+ bytes\)$/)])
  })

  test('a multi-node job runs one container per node; the nodes meet at the main node', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000)
    const program =
      'import os, socket, time\n' +
      'port = int(os.environ["MASTER_PORT"])\n' +
      'if os.environ["AWS_BATCH_JOB_NODE_INDEX"] == "0":\n' +
      '    s = socket.create_server(("0.0.0.0", port)); c, _ = s.accept(); print("main got", c.recv(64).decode())\n' +
      'else:\n' +
      '    for _ in range(200):\n' +
      '        try: socket.create_connection((os.environ["MASTER_ADDR"], port)).sendall(b"node 1"); break\n' +
      '        except OSError: time.sleep(0.1)\n'
    const run = await submit([
      '--nodes',
      '2',
      '--main-port',
      String(port),
      '--image',
      PYTHON,
      '--follow',
      '--',
      'python3',
      '-c',
      program,
    ])
    expect([run.code, run.stdout]).toEqual([0, 'main got node 1\n'])
  })

  test('a missing image is pulled, as the emulator log says; one that cannot be fails the job with CannotPullContainerError', async () => {
    const run = await submit(['--image', 'mfbatch-test/nowhere:1', '--wait', '--', 'true'])
    expect(run.code).toBe(126)
    expect(emulator.stderr()).toContain('mfbatch emulator: docker runtime: pulling mfbatch-test/nowhere:1\n')
    expect(endLine(run)).toMatch(
      /^mfbatch: job JOB FAILED: Task failed to start; CannotPullContainerError: Error response from daemon: /,
    )
  })

  test("a privileged job, and an rlimit above what the machine grants, fail as ECS says: with the daemon's words", async () => {
    const privilegedRefused = refuses(['--privileged'])
    const run = await submit(['--privileged', '--image', BUSYBOX, '--wait', '--', 'true'])
    if (privilegedRefused) {
      expect([run.code, endLine(run)]).toEqual([
        126,
        'mfbatch: job JOB FAILED: Task failed to start; CannotStartContainerError: failed to create shim ' +
          'task: OCI runtime create failed: runc create failed: unable to start container process: unable to apply ' +
          'caps: operation not permitted: unknown',
      ])
    } else {
      expect(run.code).toBe(0)
    }

    const hard = Number(fs.readFileSync('/proc/self/limits', 'utf8').match(/Max open files\s+\d+\s+(\d+)/)![1]) + 1
    const ulimits = [{hardLimit: hard, name: 'nofile', softLimit: hard}]
    const job = await finished(await submitDefinition('docker-ulimit', {command: ['true'], ulimits}))
    if (refuses(['--ulimit', `nofile=${hard}:${hard}`])) {
      expect([job.status, job.container?.reason]).toEqual([
        'FAILED',
        expect.stringMatching(/^CannotStartContainerError: .*error setting rlimits.*operation not permitted/),
      ])
    } else {
      expect(job.status).toBe('SUCCEEDED')
    }
  })

  test('EFS volumes are refused with a sentence; host volumes are bind mounts', async () => {
    const shared = fs.mkdtempSync(path.join(scratch, 'volume-'))
    fs.writeFileSync(path.join(shared, 'data.txt'), 'from the host\n')
    const efs = await finished(
      await submitDefinition('docker-efs', {
        command: ['true'],
        mountPoints: [{containerPath: '/mnt/efs', sourceVolume: 'efs'}],
        volumes: [{efsVolumeConfiguration: {fileSystemId: 'fs-12345678'}, name: 'efs'}],
      }),
    )
    const bind = await submit([
      '--host-volume',
      `${shared}:/data`,
      '--image',
      BUSYBOX,
      '--follow',
      '--',
      'cat',
      '/data/data.txt',
    ])
    expect([efs.status, efs.container?.reason, bind.code, bind.stdout]).toEqual([
      'FAILED',
      'CannotStartContainerError: the emulator cannot mount EFS file system fs-12345678 (volume efs): mount it on ' +
        'this machine and pass it as a host volume (--host-volume PATH:DEST) instead',
      0,
      'from the host\n',
    ])
  })

  test('every container of a finished job is removed', () => {
    expect(containersOf(emulator.stateDir)).toEqual([])
  })

  test('an emulator that stops kills its running containers and leaves none behind', async () => {
    const stateDir = fs.mkdtempSync(path.join(scratch, 'state-'))
    const stopping = await startEmulator({args: ['--runtime', 'docker'], env: dockerd.env, stateDir})
    try {
      const client = new BatchClient({
        credentials: stopping.credentials,
        endpoint: stopping.url,
        maxAttempts: 1,
        region: 'us-east-1',
      })
      const args = ['--queue', 'local', '--memory', '64', '--image', BUSYBOX, '--', 'sleep', '600']
      const run = await runCli(['submit', ...args], {env: stopping.env})
      await waitForOn(client, run.stdout.trim(), (job) => job.status === 'RUNNING')
      // RUNNING comes as the container is being created.
      await until(() => containersOf(stateDir).length === 1)
      await stopping.stop()
      expect([stopping.stderr().split('\n').at(-2), containersOf(stateDir)]).toEqual([
        'mfbatch emulator: stopped and the job it was running',
        [],
      ])
    } finally {
      await stopping.stop()
      removeStateDir(stateDir)
    }
  })

  test('at start, an emulator removes the containers of its own state dir only and reports their jobs host-lost', async () => {
    const stateDir = fs.mkdtempSync(path.join(scratch, 'state-'))
    const first = await startEmulator({args: ['--runtime', 'docker'], env: dockerd.env, stateDir})
    const other = dockerd
      .docker(['run', '--detach', '--label', `${STATE_LABEL}=/another/emulator`, BUSYBOX, 'sleep', '600'])
      .trim()
    try {
      const run = await runCli(
        ['submit', '--queue', 'local', '--memory', '64', '--image', BUSYBOX, '--', 'sleep', '600'],
        {env: first.env},
      )
      const jobId = run.stdout.trim()
      const client = new BatchClient({
        credentials: first.credentials,
        endpoint: first.url,
        maxAttempts: 1,
        region: 'us-east-1',
      })
      for (let i = 0; i < 300; i++) {
        // eslint-disable-next-line no-await-in-loop
        const {jobs} = await client.send(new DescribeJobsCommand({jobs: [jobId]}))
        if (jobs![0].status === 'RUNNING' && containersOf(stateDir).length === 1) break
        // eslint-disable-next-line no-await-in-loop
        await pause(50)
      }

      expect(containersOf(stateDir)).toHaveLength(1)
      await first.kill()
      expect(containersOf(stateDir)).toHaveLength(1)
      const second = await startEmulator({args: ['--runtime', 'docker'], env: dockerd.env, port: first.port, stateDir})
      try {
        const {jobs} = await client.send(new DescribeJobsCommand({jobs: [jobId]}))
        expect([containersOf(stateDir), jobs![0].status, jobs![0].statusReason]).toEqual([
          [],
          'FAILED',
          expect.stringMatching(/^Host EC2 \(instance i-[\da-f]+\) terminated\.$/),
        ])
        expect(dockerd.docker(['ps', '--quiet', '--no-trunc', '--filter', `id=${other}`]).trim()).toBe(other)
      } finally {
        await second.stop()
      }
    } finally {
      dockerd.docker(['rm', '--force', other])
      removeStateDir(stateDir)
    }
  })

  test('made-up GPUs (--gpus N) reach the container as NVIDIA_VISIBLE_DEVICES, one job each', async () => {
    const stateDir = fs.mkdtempSync(path.join(scratch, 'state-'))
    const gpus = await startEmulator({args: ['--runtime', 'docker', '--gpus', '2'], env: dockerd.env, stateDir})
    try {
      // eslint-disable-next-line no-template-curly-in-string -- a shell script, not a template
      const script = 'echo "${NVIDIA_VISIBLE_DEVICES}|${CUDA_VISIBLE_DEVICES}"'
      const args = ['--queue', 'local', '--memory', '64', '--gpu', '1', '--image', BUSYBOX, '--follow']
      const run = await runCli(['submit', ...args, '--', 'sh', '-c', script], {env: gpus.env})
      expect([run.code, run.stdout]).toEqual([0, 'GPU-fake-0|GPU-fake-0\n'])
    } finally {
      await gpus.stop()
      removeStateDir(stateDir)
    }
  })

  test('a daemon that goes away ends the running job and fails the next one at once, saying so', async () => {
    const second = startDockerd()
    if (!second.dockerd) throw new Error(`a second daemon did not start: ${second.reason}`)
    const stateDir = fs.mkdtempSync(path.join(scratch, 'state-'))
    let stopped = false
    try {
      second.dockerd.importImage(BUSYBOX, path.join(scratch, 'busybox-root'), ['ENV PATH=/bin'])
      const going = await startEmulator({args: ['--runtime', 'docker'], env: second.dockerd.env, stateDir})
      try {
        const client = new BatchClient({
          credentials: going.credentials,
          endpoint: going.url,
          maxAttempts: 1,
          region: 'us-east-1',
        })
        const script = 'trap "exit 143" TERM; sleep 600 & wait'
        const args = ['--queue', 'local', '--memory', '64', '--image', BUSYBOX]
        const first = await runCli(['submit', ...args, '--', 'sh', '-c', script], {env: going.env})
        const jobId = first.stdout.trim()
        await waitForOn(client, jobId, (job) => job.status === 'RUNNING')
        second.dockerd.stop()
        stopped = true
        const ended = await waitForOn(client, jobId, (job) => FINAL.has(job.status!))
        const next = await runCli(['submit', ...args, '--wait', '--', 'true'], {env: going.env})
        expect([ended.status, next.code, endLine(next)]).toEqual([
          'FAILED',
          126,
          expect.stringMatching(
            /^mfbatch: job JOB FAILED: Task failed to start; Cannot(Create|Start)ContainerError: Cannot connect to the Docker daemon at unix:\/\/.*\. Is the docker daemon running\?$/,
          ),
        ])
      } finally {
        await going.stop()
      }
    } finally {
      if (!stopped) second.dockerd.stop()
      removeStateDir(stateDir)
    }
  }, 60_000)

  test('a daemon that is not there fails each job at once, saying so; the emulator goes on', async () => {
    const stateDir = fs.mkdtempSync(path.join(scratch, 'state-'))
    const nowhere = await startEmulator({
      args: ['--runtime', 'docker'],
      env: {DOCKER_HOST: `unix://${scratch}/no-daemon.sock`},
      stateDir,
    })
    try {
      const run = await runCli(['submit', '--queue', 'local', '--image', BUSYBOX, '--wait', '--', 'true'], {
        env: nowhere.env,
      })
      expect([run.code, endLine(run)]).toEqual([
        126,
        'mfbatch: job JOB FAILED: Task failed to start; CannotStartContainerError: Cannot connect to ' +
          `the Docker daemon at unix://${scratch}/no-daemon.sock. Is the docker daemon running?`,
      ])
    } finally {
      await nowhere.stop()
      removeStateDir(stateDir)
    }
  })
})
