import {
  applyOverrides,
  checkResourceRequirements,
  resourcesOf,
  substituteParameters,
} from '../../../../src/emulator/batch/jobs/spec'

describe('job spec: overrides, parameters, resources', () => {
  test('overrides replace the command and merge environment and resources by name', () => {
    const container = applyOverrides(
      {
        command: ['echo', 'definition'],
        environment: [
          {name: 'A', value: '1'},
          {name: 'B', value: '2'},
        ],
        image: 'python:3.11',
        jobRoleArn: 'arn:aws:iam::000000000000:role/r',
        resourceRequirements: [
          {type: 'VCPU', value: '1'},
          {type: 'MEMORY', value: '4096'},
        ],
      },
      {
        command: ['python', 'Ref::script'],
        environment: [
          {name: 'B', value: 'two'},
          {name: 'C', value: '3'},
        ],
        resourceRequirements: [
          {type: 'MEMORY', value: '512'},
          {type: 'GPU', value: '1'},
        ],
      },
      {script: 'train.py'},
    )
    expect(container).toEqual({
      command: ['python', 'train.py'],
      environment: [
        {name: 'A', value: '1'},
        {name: 'B', value: 'two'},
        {name: 'C', value: '3'},
      ],
      image: 'python:3.11',
      jobRoleArn: 'arn:aws:iam::000000000000:role/r',
      resourceRequirements: [
        {type: 'VCPU', value: '1'},
        {type: 'MEMORY', value: '512'},
        {type: 'GPU', value: '1'},
      ],
    })
    expect(resourcesOf(container)).toEqual({gpus: 1, memoryMiB: 512, vcpus: 1})
  })

  test('without overrides the definition is shown as registered', () => {
    const base = {command: ['true'], image: 'x', memory: 1024, vcpus: 2}
    expect(applyOverrides(base)).toEqual(base)
    expect(resourcesOf(base)).toEqual({gpus: 0, memoryMiB: 1024, vcpus: 2})
  })

  test('parameters are substituted inside arguments; a missing one is refused with AWS message', () => {
    expect(substituteParameters(['cp', 'Ref::src', 'out/Ref::name.txt'], {name: 'n', src: 's3://b/k'})).toEqual([
      'cp',
      's3://b/k',
      'out/n.txt',
    ])
    expect(() => substituteParameters(['echo', 'Ref::job_id'], {})).toThrow(
      'Unable to substitute value. No parameter found for reference job_id',
    )
  })

  test.each([
    [[{type: 'VCPU', value: '0.25'}], undefined],
    [[{type: 'GPU', value: '0'}], undefined],
    [
      [{type: 'VCPU', value: 'abc'}],
      'Resource requirement VCPU has an invalid value "abc": expected a number greater than 0.',
    ],
    [
      [{type: 'MEMORY', value: '1.5'}],
      'Resource requirement MEMORY has an invalid value "1.5": expected a whole number greater than 0.',
    ],
    [[{type: 'GPU', value: '-1'}], 'Resource requirement GPU has an invalid value "-1": expected a whole number.'],
  ])('resource values %j', (requirements, message) => {
    if (message === undefined) expect(() => checkResourceRequirements(requirements)).not.toThrow()
    else expect(() => checkResourceRequirements(requirements)).toThrow(message)
  })
})
