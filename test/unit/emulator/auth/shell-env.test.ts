import {emulatorEnvironment, exportLines, shellQuote} from '../../../../src/emulator/shell-env'

describe('emulator env lines', () => {
  test.each([
    ['plain', "'plain'"],
    ["it's", String.raw`'it'\''s'`],
    ['$(rm -rf ~) `x` "y"', `'$(rm -rf ~) \`x\` "y"'`],
    ['', "''"],
  ])('shellQuote(%j) = %s', (value, quoted) => {
    expect(shellQuote(value)).toBe(quoted)
  })

  test('export lines in a fixed order, then the unset of what would sign otherwise', () => {
    const env = emulatorEnvironment('http://127.0.0.1:4589', {accessKeyId: 'AKIAX', secretAccessKey: "a/b+c'd"})
    expect(exportLines(env)).toEqual([
      "export AWS_ENDPOINT_URL='http://127.0.0.1:4589'",
      "export AWS_ACCESS_KEY_ID='AKIAX'",
      String.raw`export AWS_SECRET_ACCESS_KEY='a/b+c'\''d'`,
      "export AWS_REGION='us-east-1'",
      "export AWS_DEFAULT_REGION='us-east-1'",
      'unset AWS_SESSION_TOKEN AWS_PROFILE',
    ])
  })
})
