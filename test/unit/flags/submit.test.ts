import {CATALOG} from '../../../src/config/catalog'
import {commandAfterDashDash, submitFlags, submitInputs} from '../../../src/flags/submit'
import {errorOf} from '../batch/support'

describe('submit flags', () => {
  test('every setting with a flag in the catalog is a submit flag, plus submit’s own', () => {
    const settingFlags = CATALOG.flatMap((spec) => (spec.flag ? [spec.flag] : []))
    expect(Object.keys(submitFlags).sort()).toEqual(
      [
        ...settingFlags,
        'consumable',
        'depends-on',
        'dry-run',
        'env-file',
        'name',
        'quiet',
        'retry-on',
        'follow',
        'all-nodes',
        'grace',
        'input',
        'kill-on-interrupt',
        'local',
        'main-port',
        'nodes',
        'oom-factor',
        'oom-retry',
        'output',
        'package-dir',
        'package-exclude',
        'package-max-size',
        'tasks',
        'verbose',
        'wait',
        'wait-timeout',
      ].sort(),
    )
  })

  test('setting flags are raw: no oclif default, options or env, so the resolver and the job spec decide', () => {
    for (const [name, flag] of Object.entries(submitFlags)) {
      const declared = flag as {default?: unknown; env?: unknown; options?: unknown}
      expect([name, declared.default, declared.env, declared.options]).toEqual([name, undefined, undefined, undefined])
    }
  })

  test('help names the environment variables and the default', () => {
    expect(submitFlags.image.summary).toBe(
      'Container image (default: python:3.11; env: METAFLOW_BATCH_CONTAINER_IMAGE, METAFLOW_DEFAULT_CONTAINER_IMAGE).',
    )
    expect(submitFlags.memory.summary).toBe(
      'Memory per job in MiB, or a size such as 4GiB, 512MiB or 4g (units as Docker reads them) (default: 4096).',
    )
  })

  describe('the command after --', () => {
    test('is every word after the first --, in order, even words that equal flag values', () => {
      const raw = ['--name', 'train', '--queue', 'q', '--', 'python', 'train', '--', '-x']
      // oclif's argv for that line, reordered by the position of each word's first occurrence.
      const parsed = ['train', 'python', '--', '-x']
      expect(commandAfterDashDash(raw, parsed)).toEqual(['python', 'train', '--', '-x'])
    })

    test('words before -- are a usage error naming them', () => {
      expect(errorOf(() => commandAfterDashDash(['echo', 'hi'], ['echo', 'hi']))).toBe(
        'InputError: put the command after --, e.g. submit --cpu 2 -- python train.py (got "echo hi" before it)',
      )
      expect(errorOf(() => commandAfterDashDash(['stray', '--', 'x'], ['stray', 'x']))).toBe(
        'InputError: put the command after --, e.g. submit --cpu 2 -- python train.py (got "stray" before it)',
      )
    })

    test('a missing command is a usage error', () => {
      const message = 'InputError: a command is required after --, e.g. submit -- python train.py'
      expect(errorOf(() => commandAfterDashDash([], []))).toBe(message)
      expect(errorOf(() => commandAfterDashDash(['--queue', 'q', '--'], []))).toBe(message)
    })
  })

  test('submit-only flags become sourced values labelled with their flag', () => {
    expect(submitInputs({'depends-on': ['a'], name: 'n'})).toEqual({
      dependsOn: {origin: {kind: 'flag', label: '--depends-on'}, value: ['a']},
      envFiles: undefined,
      name: {origin: {kind: 'flag', label: '--name'}, value: 'n'},
    })
  })
})
