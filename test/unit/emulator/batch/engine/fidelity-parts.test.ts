/** The pure parts of memory limits and GPUs: /proc/self/cgroup, `nvidia-smi -L`, the GPU pool, process trees. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import path from 'node:path'

import {resolveExecutable} from '../../../../../src/emulator/batch/engine/executable'
import {applyGpuEnvironment} from '../../../../../src/emulator/batch/engine/gpus/environment'
import {fakeGpuIds, parseNvidiaSmiList} from '../../../../../src/emulator/batch/engine/gpus/inventory'
import {GpuPool} from '../../../../../src/emulator/batch/engine/gpus/pool'
import {baseName, joinThenExec, ownGroupPath} from '../../../../../src/emulator/batch/engine/limits/cgroup-fs'
import {expectedMechanism, LIMITS_ENV} from '../../../../../src/emulator/batch/engine/limits/detect'
import {descendants, type ProcessInfo} from '../../../../../src/emulator/batch/engine/limits/process-tree'

const p = (pid: number, ppid: number): ProcessInfo => ({pid, ppid, rssBytes: 0, startTime: '1'})

describe('limits and GPUs, the pure parts', () => {
  describe('ownGroupPath', () => {
    const hybrid = '9:name=systemd:/\n4:memory:/process_api/abc\n2:cpu,cpuacct:/x\n0::/user.slice/s.scope\n'
    test.each([
      ['memory', '/process_api/abc'],
      ['cpuacct', '/x'],
      ['pids', undefined],
      [undefined, '/user.slice/s.scope'],
    ])('%s -> %s', (controller, expected) => {
      expect(ownGroupPath(controller, hybrid)).toBe(expected)
    })
    test('no v2 line, no v2 path', () => {
      expect(ownGroupPath(undefined, '4:memory:/a\n')).toBeUndefined()
    })
  })

  test('groups of two state dirs never share a base; the same dir always gets the same one', () => {
    expect(baseName('/a/state')).toBe(baseName('/a/state/'))
    expect(baseName('/a/state')).not.toBe(baseName('/b/state'))
    expect(baseName('/a/state')).toMatch(/^mfbatch-emulator-[\da-f]{12}$/)
  })

  test('the command starts through sh, which joins the group and then execs it with its argv untouched', () => {
    expect(joinThenExec('/cg/x/cgroup.procs', '/usr/bin/python3', ['-c', 'print("$HOME")'])).toEqual({
      args: [
        '-c',
        'echo $$ > "$0" || exit 125; exec "$@"',
        '/cg/x/cgroup.procs',
        '/usr/bin/python3',
        '-c',
        'print("$HOME")',
      ],
      file: '/bin/sh',
    })
  })

  describe('MFBATCH_EMULATOR_LIMITS', () => {
    test('a named mechanism is taken as asked', () => {
      expect(expectedMechanism({[LIMITS_ENV]: 'watchdog'})).toEqual({name: 'watchdog', skipped: []})
    })
    test('an unknown one is an error naming the variable and the choices', () => {
      expect(() => expectedMechanism({[LIMITS_ENV]: 'cgroup'})).toThrow(
        'MFBATCH_EMULATOR_LIMITS=cgroup is not a limit mechanism; use one of cgroup-v2, cgroup-v1, watchdog, none',
      )
    })
  })

  test('nvidia-smi -L: one UUID per GPU, MIG slices left out', () => {
    const out = [
      'GPU 0: NVIDIA A10G (UUID: GPU-3f2a1b4c-0000-1111-2222-333344445555)',
      '  MIG 1g.5gb     Device  0: (UUID: MIG-aaaa)',
      'GPU 1: Tesla T4 (UUID: GPU-99999999-8888-7777-6666-555555555555)',
      '',
    ].join('\n')
    expect(parseNvidiaSmiList(out)).toEqual([
      'GPU-3f2a1b4c-0000-1111-2222-333344445555',
      'GPU-99999999-8888-7777-6666-555555555555',
    ])
    expect(parseNvidiaSmiList('No devices were found\n')).toEqual([])
    expect(fakeGpuIds(2)).toEqual(['GPU-fake-0', 'GPU-fake-1'])
  })

  test('the GPU pool hands out free devices exclusively, all or nothing, and takes them back', () => {
    const pool = new GpuPool(['g0', 'g1', 'g2'])
    expect(pool.take('a', 2)).toEqual(['g0', 'g1'])
    expect(pool.take('b', 2)).toBeUndefined()
    expect(pool.free).toBe(1)
    expect(pool.take('b', 1)).toEqual(['g2'])
    pool.release('a')
    expect(pool.take('c', 2)).toEqual(['g0', 'g1'])
    expect(pool.of('b')).toEqual(['g2'])
    expect(pool.take('d', 0)).toEqual([])
  })

  test('GPU variables: the assigned devices, or CUDA_VISIBLE_DEVICES empty and no NVIDIA_VISIBLE_DEVICES', () => {
    const withGpus: Record<string, string> = {}
    applyGpuEnvironment(withGpus, ['g0', 'g1'])
    expect(withGpus).toEqual({CUDA_VISIBLE_DEVICES: 'g0,g1', NVIDIA_VISIBLE_DEVICES: 'g0,g1'})
    const without: Record<string, string> = {NVIDIA_VISIBLE_DEVICES: 'all'}
    applyGpuEnvironment(without, [])
    expect(without).toEqual({CUDA_VISIBLE_DEVICES: ''})
  })

  test('a process tree follows parent links from its root only', () => {
    const all = [p(1, 0), p(10, 1), p(11, 10), p(12, 11), p(20, 1), p(13, 10)]
    expect(
      descendants(10, all)
        .map((x) => x.pid)
        .sort(),
    ).toEqual([10, 11, 12, 13])
    expect(descendants(99, all)).toEqual([])
  })

  describe('resolveExecutable', () => {
    let dir: string
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfbatch-exec-'))
      fs.writeFileSync(path.join(dir, 'run.sh'), '#!/bin/sh\n', {mode: 0o755})
      fs.writeFileSync(path.join(dir, 'data.txt'), '', {mode: 0o644})
    })
    afterAll(() => fs.rmSync(dir, {force: true, recursive: true}))

    test.each([
      ['run.sh', {file: 'run.sh'}],
      ['./run.sh', {file: 'run.sh'}],
      ['./missing.sh', {why: 'stat ./missing.sh: no such file or directory'}],
      ['./data.txt', {why: 'permission denied'}],
      ['no-such-command', {why: 'executable file not found in $PATH'}],
    ])('%s', (command, expected) => {
      const got = resolveExecutable(command, `/nowhere:${dir}`, dir)
      expect(got).toEqual('file' in expected ? {file: path.join(dir, expected.file)} : expected)
    })
  })
})
