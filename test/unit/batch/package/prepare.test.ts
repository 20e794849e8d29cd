import type {Sourced} from '../../../../src/config/types'

import {withPackageUrl} from '../../../../src/batch/package/prepare'

const URL = 'https://s3.example/p.tar.gz?X-Amz-Signature=1'
const flag = (value: unknown): Sourced => ({origin: {kind: 'flag', label: '--env'}, value})

describe("the package's URL goes into the job's environment, over a variable of its name", () => {
  test.each([
    ['no --env', undefined, {MFBATCH_PACKAGE_URL: URL}],
    ['--env A=1 --env B=x=y', flag(['A=1', 'B=x=y']), {A: '1', B: 'x=y', MFBATCH_PACKAGE_URL: URL}],
    ['a mapping from a config file', flag({A: 1, B: true}), {A: '1', B: 'true', MFBATCH_PACKAGE_URL: URL}],
    ['one of its own name', flag(['MFBATCH_PACKAGE_URL=mine', 'A=1']), {A: '1', MFBATCH_PACKAGE_URL: URL}],
  ])('%s', (_name, env, expected) => {
    expect(withPackageUrl({env}, URL).env?.value).toEqual(expected)
  })

  test('the source of --env is kept; an --env that does not parse is left for the job spec to name', () => {
    expect(withPackageUrl({env: flag(['A=1'])}, URL).env?.origin).toEqual({kind: 'flag', label: '--env'})
    const bad = {env: flag(['no-equals-sign'])}
    expect(withPackageUrl(bad, URL)).toBe(bad)
  })
})
