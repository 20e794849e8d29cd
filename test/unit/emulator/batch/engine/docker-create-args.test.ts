/** The `docker create` arguments of an attempt: what the ECS agent asks of Docker, field by field. */
import {createArgs, refusal} from '../../../../../src/emulator/batch/engine/docker/create-args'

const base = {attemptId: 'a1', gpuIds: [] as string[], image: 'img:1', jobId: 'j1', properties: {}, vcpus: 1}
const args = (properties: Record<string, unknown>, more: Partial<typeof base> = {}, command = ['true']) =>
  createArgs({
    attempt: {...base, ...more, properties},
    command,
    extra: ['--label', 'x=y'],
    memory: {memoryMiB: 128, swapMiB: 0},
    name: 'mfbatch-a1',
  })

describe('docker create arguments', () => {
  test('the least: host network, MEMORY as the hard limit without swap, 1024 CPU shares per vCPU, the image', () => {
    expect(args({})).toEqual([
      'create',
      '--name',
      'mfbatch-a1',
      '--network',
      'host',
      '--label',
      'x=y',
      '--memory',
      '128m',
      '--memory-swap',
      '128m',
      '--cpu-shares',
      '1024',
      '--',
      'img:1',
      'true',
    ])
  })

  test("an empty command leaves the image's CMD; a quarter vCPU is 256 shares", () => {
    expect(args({}, {vcpus: 0.25}, []).slice(-4)).toEqual(['--cpu-shares', '256', '--', 'img:1'])
  })

  test('every container property the agent maps', () => {
    const all = createArgs({
      attempt: {
        ...base,
        gpuIds: ['GPU-a', 'GPU-b'],
        properties: {
          linuxParameters: {
            devices: [{containerPath: '/dev/n0', hostPath: '/dev/neuron0', permissions: ['READ', 'WRITE']}],
            initProcessEnabled: true,
            maxSwap: 256,
            sharedMemorySize: 64,
            swappiness: 10,
            tmpfs: [{containerPath: '/scratch', mountOptions: ['defaults', 'noexec'], size: 32}],
          },
          mountPoints: [
            {containerPath: '/data', readOnly: true, sourceVolume: 'data'},
            {containerPath: '/cache', sourceVolume: 'cache'},
          ],
          privileged: true,
          readonlyRootFilesystem: true,
          ulimits: [{hardLimit: 2048, name: 'nofile', softLimit: 1024}],
          user: 'nobody',
          volumes: [{host: {sourcePath: '/srv/data'}, name: 'data'}, {name: 'cache'}],
        },
      },
      command: ['sh', '-c', 'echo hi'],
      extra: [],
      memory: {memoryMiB: 128, swapMiB: 256},
      name: 'n',
    })
    expect(all).toEqual([
      'create',
      '--name',
      'n',
      '--network',
      'host',
      '--memory',
      '128m',
      '--memory-swap',
      '384m',
      '--memory-swappiness',
      '10',
      '--cpu-shares',
      '1024',
      '--gpus',
      '"device=GPU-a,GPU-b"',
      '--user',
      'nobody',
      '--privileged',
      '--read-only',
      '--ulimit',
      'nofile=1024:2048',
      '--init',
      '--shm-size',
      '64m',
      '--tmpfs',
      '/scratch:size=32m,noexec',
      '--device',
      '/dev/neuron0:/dev/n0:rw',
      '--volume',
      '/srv/data:/data:ro',
      '--volume',
      '/cache',
      '--',
      'img:1',
      'sh',
      '-c',
      'echo hi',
    ])
  })

  test('made-up GPUs (--gpus N) are not asked of Docker: they reach the job as NVIDIA_VISIBLE_DEVICES only', () => {
    expect(args({}, {gpuIds: ['GPU-fake-0', 'GPU-fake-1']})).not.toContain('--gpus')
  })

  test('maxSwap without swappiness: 60, as ECS', () => {
    const withSwap = createArgs({
      attempt: {...base, properties: {linuxParameters: {maxSwap: 64}}},
      command: [],
      extra: [],
      memory: {memoryMiB: 64, swapMiB: 64},
      name: 'n',
    })
    expect(withSwap.slice(5, 11)).toEqual(['--memory', '64m', '--memory-swap', '128m', '--memory-swappiness', '60'])
  })

  test('EFS is refused with a sentence; host volumes are not', () => {
    expect(refusal({volumes: [{efsVolumeConfiguration: {fileSystemId: 'fs-1'}, name: 'efs_fs-1'}]})).toBe(
      'the emulator cannot mount EFS file system fs-1 (volume efs_fs-1): mount it on this machine and pass it as ' +
        'a host volume (--host-volume PATH:DEST) instead',
    )
    expect(refusal({volumes: [{host: {sourcePath: '/x'}, name: 'x'}]})).toBeUndefined()
  })
})
