import {CATALOG, catalogEntry, envHelp, flagLabel, settingsFromFlags} from '../../../src/config/catalog'
import {closest, editDistance} from '../../../src/config/suggest'
import {SETTING_NAMES} from '../../../src/config/types'

describe('catalog', () => {
  test('covers every setting once, in SETTING_NAMES order', () => {
    expect(CATALOG.map((spec) => spec.name)).toEqual([...SETTING_NAMES])
  })

  test('Metaflow keys are environment keys too, in the same order', () => {
    for (const spec of CATALOG) expect(spec.env.filter((key) => spec.metaflow.includes(key))).toEqual(spec.metaflow)
  })

  test('the keys of DESIGN.md section 2', () => {
    const keys = Object.fromEntries(
      CATALOG.filter((spec) => spec.env.length > 0).map((spec) => [spec.name, [spec.env, spec.metaflow]]),
    )
    expect(keys).toEqual({
      defaultTags: [['METAFLOW_BATCH_DEFAULT_TAGS'], ['METAFLOW_BATCH_DEFAULT_TAGS']],
      endpointUrl: [['AWS_ENDPOINT_URL_BATCH', 'AWS_ENDPOINT_URL'], []],
      executionRole: [['METAFLOW_ECS_FARGATE_EXECUTION_ROLE'], ['METAFLOW_ECS_FARGATE_EXECUTION_ROLE']],
      iamRole: [['METAFLOW_ECS_S3_ACCESS_IAM_ROLE'], ['METAFLOW_ECS_S3_ACCESS_IAM_ROLE']],
      image: [
        ['METAFLOW_BATCH_CONTAINER_IMAGE', 'METAFLOW_DEFAULT_CONTAINER_IMAGE'],
        ['METAFLOW_BATCH_CONTAINER_IMAGE', 'METAFLOW_DEFAULT_CONTAINER_IMAGE'],
      ],
      package: [['MFBATCH_PACKAGE'], []],
      packageRoot: [['METAFLOW_DATASTORE_SYSROOT_S3'], ['METAFLOW_DATASTORE_SYSROOT_S3']],
      profile: [['AWS_PROFILE'], []],
      queue: [['METAFLOW_BATCH_JOB_QUEUE'], ['METAFLOW_BATCH_JOB_QUEUE']],
      region: [['AWS_REGION', 'AWS_DEFAULT_REGION'], []],
      registry: [
        ['METAFLOW_BATCH_CONTAINER_REGISTRY', 'METAFLOW_DEFAULT_CONTAINER_REGISTRY'],
        ['METAFLOW_BATCH_CONTAINER_REGISTRY', 'METAFLOW_DEFAULT_CONTAINER_REGISTRY'],
      ],
      timeout: [['METAFLOW_DEFAULT_RUNTIME_LIMIT'], ['METAFLOW_DEFAULT_RUNTIME_LIMIT']],
      user: [['METAFLOW_USER', 'SUDO_USER', 'USERNAME', 'USER'], ['METAFLOW_USER']],
    })
  })

  test('help texts', () => {
    expect([envHelp('queue'), envHelp('region'), envHelp('cpu')]).toEqual([
      'env: METAFLOW_BATCH_JOB_QUEUE',
      'env: AWS_REGION, AWS_DEFAULT_REGION',
      '',
    ])
    expect([flagLabel('iamRole'), flagLabel('tags'), flagLabel('defaultTags')]).toEqual([
      '--iam-role',
      '--tag',
      '--default-tags',
    ])
    expect(catalogEntry('tmpfsTempdir')).toEqual({
      default: true,
      description: 'Point METAFLOW_TEMPDIR at the tmpfs.',
      env: [],
      flag: 'tmpfs-tempdir',
      metaflow: [],
      name: 'tmpfsTempdir',
      type: 'boolean',
    })
  })

  test('settingsFromFlags maps flag names to setting names and drops other flags', () => {
    expect(
      settingsFromFlags({
        'array-size': 3,
        'endpoint-url': 'http://x',
        'iam-role': 'r',
        json: true,
        tag: ['a=b'],
        'tmpfs-tempdir': false,
        wait: true,
      }),
    ).toEqual({arraySize: 3, endpointUrl: 'http://x', iamRole: 'r', tags: ['a=b'], tmpfsTempdir: false})
  })
})

describe('closest', () => {
  test.each([
    ['quue', 'queue'],
    ['Queue', 'queue'],
    ['iam_role', 'iamRole'],
    ['IAM-ROLE', 'iamRole'],
    ['memroy', 'memory'],
    ['tag', 'tags'],
    ['defaultTag', 'defaultTags'],
    ['zzzzzzzz', undefined],
    ['kubernetes', undefined],
  ])('%s -> %s', (word, expected) => {
    expect(closest(word, SETTING_NAMES)).toBe(expected)
  })

  test.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['queue', 'queue', 0],
  ])('editDistance(%j, %j) = %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d)
  })
})
