/** `--local` and the names of the user's AWS setup, row by row over where each name came from. */
import {localNames, originPhrase, queueMayGiveWay} from '../../../../src/batch/submit/local-names'
import {resolveSettings, type SettingsInput} from '../../../../src/config/resolve'

const HOME = '/home/u'
const metaflow = {
  config: {METAFLOW_BATCH_JOB_QUEUE: 'prod-queue', METAFLOW_DATASTORE_SYSROOT_S3: 's3://their-bucket/x'},
  filepath: `${HOME}/.metaflowconfig/config.json`,
}
const resolve = (input: Partial<SettingsInput>) => resolveSettings({env: {}, flags: {}, ...input})

describe('originPhrase', () => {
  test.each([
    [
      'an environment variable',
      {env: {METAFLOW_BATCH_JOB_QUEUE: 'q'}},
      'the environment variable METAFLOW_BATCH_JOB_QUEUE',
    ],
    [
      'Metaflow global config under HOME',
      {metaflowGlobal: metaflow},
      'METAFLOW_BATCH_JOB_QUEUE in ~/.metaflowconfig/config.json',
    ],
    [
      'a project file elsewhere',
      {projectConfig: {config: {queue: 'q'}, filepath: '/repo/.mfbatchrc.json'}},
      'key queue in /repo/.mfbatchrc.json',
    ],
  ])('%s', (_name, input, expected) => {
    expect(originPhrase(resolve(input).queue, HOME)).toBe(expected)
  })
})

describe('localNames', () => {
  test('not --local: nothing changes', () => {
    const settings = resolve({metaflowGlobal: metaflow})
    expect(localNames(settings, {local: false})).toEqual({notices: {}, settings})
    expect(queueMayGiveWay(settings, false)).toBe(false)
  })

  test("--local: the configured package root gives way to the emulator's bucket; the queue is asked about", () => {
    const {notices, settings} = localNames(resolve({metaflowGlobal: metaflow}), {local: true})
    expect([settings.packageRoot.value, settings.queue.value]).toEqual(['s3://mfbatch-local', 'prod-queue'])
    expect(notices.packageRoot).toMatch(
      /^--local: package root "s3:\/\/their-bucket\/x" \(from METAFLOW_DATASTORE_SYSROOT_S3 in /,
    )
    expect(notices.queue).toBeUndefined()
    expect(queueMayGiveWay(settings, true)).toBe(true)
  })

  test('--local with flags: --package-root and --queue stay as given', () => {
    const flags = {packageRoot: 's3://mine/p', queue: 'prod-queue'}
    const {notices, settings} = localNames(resolve({flags, metaflowGlobal: metaflow}), {dryRun: true, local: true})
    expect([settings.packageRoot.value, settings.queue.value, notices]).toEqual(['s3://mine/p', 'prod-queue', {}])
    expect(queueMayGiveWay(settings, true)).toBe(false)
  })

  test("--local --dry-run: no queue set is the emulator's default queue", () => {
    const {notices, settings} = localNames(resolve({}), {dryRun: true, local: true})
    expect([settings.queue.value, notices.queue]).toEqual([
      'local',
      '--local: no queue set; using "local", the emulator\'s default',
    ])
  })
})
