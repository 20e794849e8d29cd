import {
  describeFargateMemories,
  FARGATE_VCPUS,
  fargateMemoriesFor,
  isFargatePair,
} from '../../../../src/batch/definition/fargate'

/** Written out from the AWS Batch API reference (ResourceRequirement.value), not computed like the code does. */
const AWS_TABLE: Record<string, number[]> = {
  '0.25': [512, 1024, 2048],
  '0.5': [1024, 2048, 3072, 4096],
  '1': [2048, 3072, 4096, 5120, 6144, 7168, 8192],
  '2': [4096, 5120, 6144, 7168, 8192, 9216, 10_240, 11_264, 12_288, 13_312, 14_336, 15_360, 16_384],
  '4': [
    8192, 9216, 10_240, 11_264, 12_288, 13_312, 14_336, 15_360, 16_384, 17_408, 18_432, 19_456, 20_480, 21_504, 22_528,
    23_552, 24_576, 25_600, 26_624, 27_648, 28_672, 29_696, 30_720,
  ],
  '8': [16_384, 20_480, 24_576, 28_672, 32_768, 36_864, 40_960, 45_056, 49_152, 53_248, 57_344, 61_440],
  '16': [32_768, 40_960, 49_152, 57_344, 65_536, 73_728, 81_920, 90_112, 98_304, 106_496, 114_688, 122_880],
}

describe('Fargate vCPU/memory pairs', () => {
  test('the vCPU counts are exactly AWS’s', () => {
    expect(FARGATE_VCPUS).toEqual([0.25, 0.5, 1, 2, 4, 8, 16])
  })

  test.each(Object.entries(AWS_TABLE))('%s vCPU takes exactly AWS’s memory sizes', (vcpu, memories) => {
    expect(fargateMemoriesFor(Number(vcpu))).toEqual(memories)
  })

  test('every pair in AWS’s table is accepted and nothing else from 0 to 128 GiB in 512 MiB steps', () => {
    for (const vcpu of [0.25, 0.5, 0.75, 1, 2, 3, 4, 8, 16, 32]) {
      for (let memory = 0; memory <= 131_072; memory += 512) {
        expect([vcpu, memory, isFargatePair(vcpu, memory)]).toEqual([
          vcpu,
          memory,
          AWS_TABLE[String(vcpu)]?.includes(memory) ?? false,
        ])
      }
    }
  })

  test('memory choices read as ranges where AWS’s rows are regular', () => {
    expect([0.25, 0.5, 1, 2, 4, 8, 16].map((vcpu) => describeFargateMemories(vcpu))).toEqual([
      '512, 1024 or 2048',
      '1024 to 4096 in steps of 1024',
      '2048 to 8192 in steps of 1024',
      '4096 to 16384 in steps of 1024',
      '8192 to 30720 in steps of 1024',
      '16384 to 61440 in steps of 4096',
      '32768 to 122880 in steps of 8192',
    ])
  })

  test('a vCPU count Fargate does not offer has no memory sizes', () => {
    expect(fargateMemoriesFor(3)).toEqual([])
  })
})
