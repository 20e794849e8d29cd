import {processStartTime} from '../../../src/emulator/batch/engine/processes'
import {daemonEnvironment, isSameProcess} from '../../../src/emulator/daemon'

describe('the detached emulator', () => {
  test('inherits only what it needs to run, none of its starter`s AWS secrets', () => {
    const env = {
      AWS_ACCESS_KEY_ID: 'AKIA',
      AWS_PROFILE: 'prod',
      AWS_SECRET_ACCESS_KEY: 's',
      GITHUB_TOKEN: 't',
      HOME: '/home/u',
      LANG: 'C.UTF-8',
      PATH: '/usr/bin',
      TZ: 'UTC',
    }
    expect(daemonEnvironment(env)).toEqual({HOME: '/home/u', LANG: 'C.UTF-8', PATH: '/usr/bin', TZ: 'UTC'})
  })

  const procfs = processStartTime(process.pid) !== undefined
  ;(procfs ? test : test.skip)(
    'a pid is taken for the daemon only with its start time and command line [needs /proc]',
    () => {
      const started = processStartTime(process.pid)!
      // This test process is not `mfbatch emulator --state-dir /x`: a pid file naming it must not be believed.
      expect(isSameProcess({pid: process.pid, pidStartTime: started, stateDir: '/x'})).toBe(false)
      expect(isSameProcess({pid: process.pid, pidStartTime: `${started}1`, stateDir: '/x'})).toBe(false)
    },
  )
})
