import type {ClientOptions, Clients} from '../../src/batch/clients'

import {resolveSettings} from '../../src/config/resolve'
import {clientOptions, connect, connectSettings, localSettings} from '../../src/connect'
import {InputError} from '../../src/errors'

const noTrace = (): void => {}
const LOCAL_KEYS = {accessKeyId: 'AKIALOCAL', secretAccessKey: 'local secret'}

describe('clientOptions', () => {
  test('passes region, profile and endpoint through', () => {
    const options = clientOptions(
      {endpointUrl: {source: 'AWS_ENDPOINT_URL', value: 'http://x:1'}, profile: 'dev', region: 'eu-west-1'},
      undefined,
      noTrace,
    )
    expect(options).toEqual({endpoint: 'http://x:1', profile: 'dev', region: 'eu-west-1'})
  })

  test('the local endpoint wins over an endpoint from the environment, with a region the SDK needs', () => {
    const options = clientOptions(
      {endpointUrl: {source: 'AWS_ENDPOINT_URL', value: 'http://x:1'}},
      {credentials: LOCAL_KEYS, endpoint: 'http://127.0.0.1:4589'},
      noTrace,
    )
    expect(options).toEqual({credentials: LOCAL_KEYS, endpoint: 'http://127.0.0.1:4589', region: 'us-east-1'})
  })

  test("--local never passes a profile on: only the emulator's own keys sign", () => {
    const options = clientOptions(
      {profile: 'prod'},
      {credentials: LOCAL_KEYS, endpoint: 'http://127.0.0.1:4589'},
      noTrace,
    )
    expect(options).toEqual({credentials: LOCAL_KEYS, endpoint: 'http://127.0.0.1:4589', region: 'us-east-1'})
  })

  test('--verbose installs the trace', () => {
    expect(clientOptions({verbose: true}, undefined, noTrace)).toEqual({trace: noTrace})
  })
})

describe('connect', () => {
  const fake = {} as Clients
  test('--local uses the emulator the starter reports and notes the endpoint under --verbose', async () => {
    const seen: ClientOptions[] = []
    const lines: string[] = []
    const clients = await connect(
      {local: true, verbose: true},
      {
        async create(options) {
          seen.push(options)
          return fake
        },
        log: (line) => lines.push(line),
        startLocal: async () => ({credentials: LOCAL_KEYS, endpoint: 'http://127.0.0.1:5000'}),
      },
    )
    // What the factory built, plus the S3 client that is built only when a code package needs it.
    expect(clients).toEqual({...fake, s3: expect.any(Function)})
    expect(seen).toEqual([
      {credentials: LOCAL_KEYS, endpoint: 'http://127.0.0.1:5000', region: 'us-east-1', trace: expect.any(Function)},
    ])
    expect(lines).toEqual(['aws endpoint http://127.0.0.1:5000 (from --local), region us-east-1'])
  })

  test('--local with --endpoint-url is bad usage', async () => {
    await expect(
      connect({endpointUrl: {source: '--endpoint-url', value: 'http://x:1'}, local: true}, {create: async () => fake}),
    ).rejects.toThrow(new InputError('--local and --endpoint-url: use one or the other'))
  })
})

describe('connectSettings', () => {
  const unset = {origin: {kind: 'default', label: 'default'}, value: undefined} as const
  test('an endpoint from a flag or a file is passed on, with its source', () => {
    const settings = connectSettings(
      {
        endpointUrl: {origin: {kind: 'flag', label: '--endpoint-url'}, value: 'http://127.0.0.1:9'},
        profile: {origin: {kind: 'env', label: 'AWS_PROFILE'}, value: 'dev'},
        region: unset,
      },
      {verbose: true},
    )
    expect(settings).toEqual({
      endpointUrl: {source: '--endpoint-url', value: 'http://127.0.0.1:9'},
      profile: 'dev',
      verbose: true,
    })
  })

  test('an endpoint from the environment is left to the SDK, which reads it per service', () => {
    const settings = connectSettings(
      {
        endpointUrl: {origin: {kind: 'env', label: 'AWS_ENDPOINT_URL'}, value: 'http://127.0.0.1:9'},
        profile: unset,
        region: {origin: {kind: 'env', label: 'AWS_REGION'}, value: 'eu-west-1'},
      },
      {local: true},
    )
    expect(settings).toEqual({local: true, region: 'eu-west-1'})
  })
})

describe('connectSettings checks the region and the endpoint before any client exists', () => {
  const unset = {origin: {kind: 'default' as const, label: 'default'}, value: undefined}
  const resolved = (region?: unknown, endpoint?: unknown, label = 'AWS_REGION') => ({
    endpointUrl:
      endpoint === undefined ? unset : {origin: {kind: 'flag' as const, label: '--endpoint-url'}, value: endpoint},
    profile: unset,
    region: region === undefined ? unset : {origin: {kind: 'env' as const, label}, value: region},
  })

  test.each([
    [resolved('not a region'), 'AWS_REGION: "not a region" is not allowed; use an AWS region such as us-east-1'],
    [
      resolved('us-east-1;rm', undefined, '--region'),
      '--region: "us-east-1;rm" is not allowed; use an AWS region such as us-east-1',
    ],
    [
      resolved(undefined, 'notaurl'),
      '--endpoint-url: "notaurl" is not allowed; use an http:// or https:// URL without user or password, such as http://127.0.0.1:4589',
    ],
    [
      resolved(undefined, 'file:///etc/passwd'),
      '--endpoint-url: "file:///etc/passwd" is not allowed; use an http:// or https:// URL without user or password, such as http://127.0.0.1:4589',
    ],
    [
      resolved(undefined, 'http://AKID:s3cr3t@127.0.0.1:1'),
      '--endpoint-url: "****" is not allowed; use an http:// or https:// URL without user or password, such as http://127.0.0.1:4589',
    ],
  ])('%j', (settings, message) => {
    expect(() => connectSettings(settings, {})).toThrow(new InputError(message))
  })

  test('a config file value of the wrong JSON type is named, not dropped', () => {
    const fromFile = {origin: {kind: 'project' as const, label: '/p/.mfbatchrc.json (key region)'}, value: {x: 1}}
    expect(() => connectSettings({...resolved(), region: fromFile}, {})).toThrow(
      new InputError('/p/.mfbatchrc.json (key region): {"x":1} is not allowed; use an AWS region such as us-east-1'),
    )
  })

  test('good values pass', () => {
    expect(connectSettings(resolved('us-gov-west-1', 'https://batch.example.com'), {})).toEqual({
      endpointUrl: {source: '--endpoint-url', value: 'https://batch.example.com'},
      region: 'us-gov-west-1',
    })
  })
})

const resolve = (flags: Record<string, unknown> = {}, env: Record<string, string> = {}) => resolveSettings({env, flags})

describe('localSettings (config --local)', () => {
  test("the local emulator's endpoint and, with no region set, its region; other settings untouched", () => {
    const local = localSettings(resolve({queue: 'q'}), {})
    expect([local.endpointUrl, local.region]).toEqual([
      {origin: {kind: 'flag', label: '--local'}, value: 'http://127.0.0.1:4589'},
      {origin: {kind: 'flag', label: "--local (the emulator's region)"}, value: 'us-east-1'},
    ])
    expect(local.queue).toEqual(resolve({queue: 'q'}).queue)
  })

  test('MFBATCH_EMULATOR_PORT moves it; a region that is set stays; an endpoint from the environment is replaced', () => {
    const resolved = resolve({}, {AWS_ENDPOINT_URL: 'http://x:1', AWS_REGION: 'eu-west-1'})
    const local = localSettings(resolved, {MFBATCH_EMULATOR_PORT: '5001'})
    expect(local.endpointUrl).toEqual({
      origin: {kind: 'flag', label: '--local (MFBATCH_EMULATOR_PORT)'},
      value: 'http://127.0.0.1:5001',
    })
    expect(local.region).toEqual(resolved.region)
  })

  test('with --endpoint-url: one or the other', () => {
    expect(() => localSettings(resolve({endpointUrl: 'http://x:1'}), {})).toThrow(
      new InputError('--local and --endpoint-url: use one or the other'),
    )
  })
})
