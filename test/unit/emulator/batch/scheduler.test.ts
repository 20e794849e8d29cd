import {CeCapacity, place} from '../../../../src/emulator/batch/engine/scheduler'

const ce = (name: string, vcpus: number, {gpus = 0, open = true, used = 0} = {}): CeCapacity => ({
  name,
  open,
  total: {gpus, memoryMiB: 8192, vcpus},
  used: {gpus: 0, memoryMiB: 0, vcpus: used},
})
const need = (vcpus: number, memoryMiB = 512, gpus = 0) => ({gpus, memoryMiB, vcpus})

describe('capacity and placement', () => {
  test('the first environment in order with room takes the job', () => {
    expect(place(need(2), [ce('a', 4, {used: 3}), ce('b', 4)])).toEqual({ce: 'b', kind: 'place'})
    expect(place(need(1), [ce('a', 4, {used: 3}), ce('b', 4)])).toEqual({ce: 'a', kind: 'place'})
  })

  test('fractional vCPUs add up exactly', () => {
    expect(place(need(0.25), [ce('a', 1, {used: 0.75})])).toEqual({ce: 'a', kind: 'place'})
    expect(place(need(0.5), [ce('a', 1, {used: 0.75})])).toEqual({kind: 'wait'})
  })

  test('no room now: wait', () => {
    expect(place(need(2), [ce('a', 4, {used: 3})])).toEqual({kind: 'wait'})
  })

  test('a disabled environment takes nothing, but counts for "could it ever fit"', () => {
    expect(place(need(2), [ce('a', 4, {open: false})])).toEqual({kind: 'wait'})
  })

  test('larger than every environment: never', () => {
    expect(place(need(8), [ce('a', 4), ce('b', 6)])).toEqual({kind: 'never'})
    expect(place(need(1, 9000), [ce('a', 4)])).toEqual({kind: 'never'})
  })

  test('GPU jobs never fit environments without GPUs, and fit those with enough', () => {
    expect(place(need(1, 512, 1), [ce('a', 4)])).toEqual({kind: 'never'})
    expect(place(need(1, 512, 1), [ce('a', 4, {gpus: 2})])).toEqual({ce: 'a', kind: 'place'})
  })
})
