import {cgroupMounts} from '../../../../../src/emulator/batch/engine/limits/lockdown'

describe('the cgroup mounts a locked-down job gets read-only', () => {
  test('every cgroup and cgroup2 mount point of mountinfo, optional fields and escapes included', () => {
    const mountinfo = [
      '22 1 0:21 / /sys rw,nosuid shared:7 - sysfs sysfs rw',
      '25 22 0:23 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755',
      '26 25 0:24 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw',
      '30 25 0:28 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory',
      String.raw`31 25 0:29 / /sys/fs/cgroup/with\040space rw master:3 shared:4 - cgroup cgroup rw,pids`,
      '',
    ].join('\n')
    expect(cgroupMounts(mountinfo)).toEqual([
      '/sys/fs/cgroup/unified',
      '/sys/fs/cgroup/memory',
      '/sys/fs/cgroup/with space',
    ])
  })
})
