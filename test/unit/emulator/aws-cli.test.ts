import {versionOf} from '../../../src/emulator/aws-cli'
import {awsCliNote, readsEndpointVariable} from '../../../src/emulator/shell-env'

describe('which AWS CLI reads AWS_ENDPOINT_URL', () => {
  test.each([
    ['aws-cli/2.9.19 Python/3.11.2 Linux/6.1 source/x86_64.debian.12 prompt/off', '2.9.19', false],
    ['aws-cli/2.12.7 Python/3.11.4 Linux/6.1 exe/x86_64', '2.12.7', false],
    ['aws-cli/2.13.0 Python/3.11.4 Linux/6.1 exe/x86_64', '2.13.0', true],
    ['aws-cli/2.22.1 Python/3.12.6 Darwin/23.6.0 exe/arm64', '2.22.1', true],
    ['aws-cli/1.27.0 Python/3.9.2 Linux/5.10 botocore/1.29.0', '1.27.0', false],
    ['aws-cli/1.45.11 Python/3.11.7 Linux/6.18 botocore/1.43.11', '1.45.11', true],
  ])('%s', (output, version, reads) => {
    expect(versionOf(output)).toBe(version)
    expect(readsEndpointVariable(version)).toBe(reads)
  })

  test('a version line that is not the AWS CLI is no version', () => {
    expect(versionOf('command not found')).toBeUndefined()
  })

  test('no note for none or a recent one; the flag and a function for an old one', () => {
    expect(awsCliNote()).toBeUndefined()
    expect(awsCliNote({path: '/usr/local/bin/aws', version: '2.15.0'})).toBeUndefined()
    expect(awsCliNote({path: '/usr/bin/aws', version: '2.9.19'})?.[0]).toBe(
      'the AWS CLI at /usr/bin/aws (aws-cli/2.9.19) ignores AWS_ENDPOINT_URL (it is read from 2.13 on): without ' +
        '--endpoint-url its calls go to AWS, not to the emulator. Give it the flag:',
    )
  })
})
