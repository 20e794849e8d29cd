import {Flags} from '@oclif/core'
import {availableParallelism, totalmem} from 'node:os'

import {BaseCommand} from '../../base-command'
import {EMULATOR_DEFAULT_PORT} from '../../emulator/contract'
import {ANSWER_DELAY_ENV, answerDelays, LOG_DELAY_ENV, logDelayMs} from '../../emulator/late'
import {defaultStateDir, PORT_ENV} from '../../emulator/local'
import {RUNTIME_ENV} from '../../emulator/runtime'
import {PRIVATE_UMASK} from '../../emulator/state-dir'
import {stoppedJobsText, writeStopRecord} from '../../emulator/stop-record'
import {invalid, RuntimeError} from '../../errors'
import {exitCodeHelp} from '../../exit-codes'
import {emulatorPortFlag, emulatorRuntimeFlag, mebibytesFlag} from '../../flags/emulator'

const rate = Flags.custom<number>({
  async parse(input, _context, options) {
    const value = Number(input)
    if (input.trim() === '' || !(value >= 0 && value <= 1))
      throw invalid(`--${options.name}`, input, 'use a number from 0 to 1')
    return value
  },
})

export default class Emulator extends BaseCommand {
  static override description = `A local AWS Batch + CloudWatch Logs server that really runs jobs, as processes on \
this machine (no Docker needed): AWS's own clients and mfbatch talk to it unchanged. It starts with the queues \
"local" (EC2) and "local-fargate" (FARGATE). Jobs, definitions, queues and log events persist in the state directory.

One emulator runs per state directory: it holds <state dir>/emulator.lock while it runs (a lock left by a crash is \
taken over). A second start on the same state directory, on any port, names the running one (pid, port) and exits 1 \
having changed nothing; what an emulator cleans up at start or exit (its cgroups, its attempts) is its own.

Once listening it prints one line on stdout, "mfbatch emulator listening on http://127.0.0.1:<port> (state: <dir>)", \
and logs to stderr. Ctrl-C or SIGTERM stops it cleanly.

SECURITY: it runs whatever command a job names, as you, so it answers only its owner. At first start it writes its \
own credentials to <state dir>/credentials (mode 600) and accepts only requests signed with them (SigV4, checked in \
full; presigned URLs too); \`eval "$(mfbatch emulator env)"\` sets them up for the AWS CLI, boto3 or any SDK. A Host \
header other than the address it listens on, or any Origin header (a web page), is refused with 403. The state dir \
is 0700 and its files 0600; one owned by another user or writable by others is refused. It listens on 127.0.0.1 \
only unless --allow-remote. Jobs get AWS_ENDPOINT_URL and ECS-style credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI, \
AWS_CONTAINER_AUTHORIZATION_TOKEN), so the AWS CLI and SDKs inside a job reach the emulator as a job role reaches AWS; \
those credentials end with the attempt. Jobs also see AWS_EXECUTION_ENV and ECS_CONTAINER_METADATA_URI_V4 (the task \
metadata endpoint: log group and stream, limits, task ARN), as an ECS task does.

Faults for testing: --throttle-rps answers throttling errors above a request rate (HTTP 429 TooManyRequestsException \
for Batch, 400 ThrottlingException for Logs), --fault-5xx answers a share of requests with HTTP 500 before doing \
them, --fault-drop does a share of requests and then drops the connection without an answer, --latency delays every \
answer. GET /__emulator/stats counts calls per operation; POST /__emulator/reset clears the counts (both signed as \
for the batch service: curl --aws-sigv4 aws:amz:us-east-1:batch --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY").

Like Batch, each attempt has a hard memory limit of its MEMORY (plus linuxParameters.maxSwap of swap; none \
otherwise): over it, the job ends FAILED with exit 137 and "OutOfMemoryError: Container killed due to memory usage". \
The limit and the killing of everything a job started (setsid children too) use, best first: a cgroup v2 group, the \
cgroup v1 memory controller, or a watchdog sampling the job's memory from /proc. The mechanism this machine gets is \
under THIS MACHINE below and in \`emulator status --json\`. GPUs come from \`nvidia-smi -L\` or --gpus N (made up, \
for machines without); each job holds its own exclusively and finds them in NVIDIA_VISIBLE_DEVICES and \
CUDA_VISIBLE_DEVICES (empty for a job without GPUs).

--runtime docker runs each attempt as a container of the job's image instead, through the docker CLI (DOCKER_HOST \
or the default socket), as the ECS agent does: the command over the image's CMD, its environment, user, MEMORY as \
the hard limit, maxSwap, swappiness, shared memory, tmpfs, ulimits, devices, vCPUs as CPU shares, GPUs, host \
volumes; host networking, so the job reaches the emulator at 127.0.0.1. A missing image is pulled (the job \
STARTING meanwhile); what Docker refuses ends the attempt with CannotPullContainerError, \
CannotCreateContainerError or CannotStartContainerError and the daemon's words.

The AWS CLI before 2.13 (Debian 12's 2.9) ignores AWS_ENDPOINT_URL: give it --endpoint-url (see emulator env).

ENVIRONMENT
  ${PORT_ENV}   the port (default ${EMULATOR_DEFAULT_PORT})
  XDG_DATA_HOME           the default state directory is $XDG_DATA_HOME/mfbatch/emulator (~/.local/share/...)
  ${RUNTIME_ENV} process or docker, when --runtime is not given
  MFBATCH_EMULATOR_LIMITS force a mechanism: cgroup-v2, cgroup-v1, watchdog or none (an error if unavailable)
  ${ANSWER_DELAY_ENV} for tests: answers of these operations come late, the work done at once
                          (SubmitJob=5000,DescribeJobs=200)
  ${LOG_DELAY_ENV} for tests: milliseconds before a job's log lines can be read

${exitCodeHelp(false)}`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'Run it in the foreground on port 4589.'},
    {
      command: 'eval "$(<%= config.bin %> emulator env)" && <%= config.bin %> submit --queue local -- echo hello',
      description: 'In another terminal: point mfbatch (or any AWS SDK) at it, with its credentials.',
    },
    {
      command: 'aws --endpoint-url "$AWS_ENDPOINT_URL" batch describe-job-queues',
      description: 'Any AWS CLI, 2.9 included, with --endpoint-url (after the eval above).',
    },
    {
      command: 'aws --endpoint-url "$AWS_ENDPOINT_URL" logs tail /aws/batch/job --follow',
      description: 'Follow every job output.',
    },
    {
      command:
        'curl --aws-sigv4 aws:amz:us-east-1:batch --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" "$AWS_ENDPOINT_URL/__emulator/stats"',
      description: 'Calls per operation so far.',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --runtime docker',
      description: 'Run every job in a container of its image (needs Docker).',
    },
    {
      command:
        '<%= config.bin %> <%= command.id %> --port 0 --state-dir "$(mktemp -d)" --throttle-rps 5 --fault-5xx 0.1',
      description: 'A throwaway emulator on a free port that throttles and fails now and then.',
    },
  ]
  static override flags = {
    'allow-remote': Flags.boolean({
      summary: 'Allow a --host other than loopback (anyone reaching it can run commands).',
    }),
    'fault-5xx': rate({helpValue: 'RATE', summary: 'Share of requests (0..1) answered with a server error.'}),
    'fault-drop': rate({helpValue: 'RATE', summary: 'Share of requests (0..1) done, then dropped unanswered.'}),
    gpus: Flags.integer({
      helpValue: 'N',
      min: 0,
      summary: 'Offer N made-up GPUs (GPU-fake-0, ...) instead of the ones `nvidia-smi -L` lists.',
    }),
    host: Flags.string({default: '127.0.0.1', summary: 'Address to listen on.'}),
    latency: Flags.integer({helpValue: 'MS', min: 0, summary: 'Milliseconds added to every answer.'}),
    memory: mebibytesFlag({
      helpValue: 'SIZE',
      summary: "Memory of each compute environment in MiB, or a size such as 16GiB [default: this machine's].",
    }),
    port: emulatorPortFlag('Port to listen on; 0 picks a free one.', 0),
    'refuse-operation': Flags.string({
      helpValue: 'OPERATION',
      multiple: true,
      summary: 'Answer this operation (e.g. TerminateJobs) as an endpoint without it: 404 UnknownOperationException.',
    }),
    runtime: emulatorRuntimeFlag(),
    seed: Flags.integer({summary: 'Seed of the fault draws, to repeat a run exactly.'}),
    'state-dir': Flags.string({summary: 'Where jobs and logs persist [default: $XDG_DATA_HOME/mfbatch/emulator].'}),
    'throttle-rps': Flags.integer({helpValue: 'N', min: 1, summary: 'Throttle requests above N a second.'}),
    vcpus: Flags.integer({min: 1, summary: "vCPUs of each compute environment [default: this machine's]."}),
  }
  static override summary = 'Run the local AWS Batch + CloudWatch Logs emulator in the foreground.'

  async run(): Promise<void> {
    const {flags} = await this.parse(Emulator)
    // Job environments (secrets), logs and credentials are written by this process: readable by this user only.
    process.umask(PRIVATE_UMASK)
    const {createEmulator} = await import('../../emulator/create-emulator.js')
    const {isLoopback} = await import('../../emulator/server.js')
    if (!isLoopback(flags.host) && !flags['allow-remote']) {
      throw invalid('--host', flags.host, 'use a loopback address, or add --allow-remote (the emulator runs commands)')
    }

    if (flags['state-dir']?.trim() === '') throw invalid('--state-dir', flags['state-dir'], 'use a directory path')
    const stateDir = flags['state-dir'] ?? defaultStateDir()
    const emulator = await createEmulator({
      allowRemote: flags['allow-remote'],
      capacity: {
        memoryMiB: flags.memory ?? Math.floor(totalmem() / 1024 / 1024),
        vcpus: flags.vcpus ?? availableParallelism(),
      },
      fakeGpus: flags.gpus,
      faults: {
        answerDelayMs: answerDelays(),
        fault5xx: flags['fault-5xx'],
        faultDrop: flags['fault-drop'],
        latencyMs: flags.latency,
        refuseOperations: flags['refuse-operation'],
        seed: flags.seed,
        throttleRps: flags['throttle-rps'],
      },
      host: flags.host,
      log,
      logDelayMs: logDelayMs(),
      port: flags.port,
      runtime: flags.runtime,
      stateDir,
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        throw new RuntimeError(
          `port ${flags.port} is in use by another process; nothing was changed. Find it with: ss -ltnp ` +
            `'sport = :${flags.port}', or use another --port (--port 0 picks a free one)`,
        )
      }

      throw error
    })
    // Listen for signals before saying "listening": whoever reads that line may signal at once.
    const stopped = untilSignal()
    this.log(`mfbatch emulator listening on ${emulator.url} (state: ${stateDir})`)
    await stopped
    log('mfbatch emulator: stopping')
    const {stoppedJobs} = await emulator.close()
    writeStopRecord(stateDir, {pid: process.pid, stoppedJobs})
    log(`mfbatch emulator: stopped${stoppedJobsText(stoppedJobs)}`)
  }
}

/** The emulator logs to stderr: stdout carries only the listening line. */
function log(line: string): void {
  process.stderr.write(`${line}\n`)
}

/** Resolves on the first SIGINT or SIGTERM; a second one while stopping ends the process at once. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.once('SIGINT', () => process.exit(130))
      process.once('SIGTERM', () => process.exit(143))
      resolve()
    }

    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}
