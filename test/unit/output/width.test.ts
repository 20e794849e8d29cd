import {displayWidth, fitLine, wrappedRows} from '../../../src/output/width'

describe('displayWidth', () => {
  test.each([
    ['', 0],
    ['abc', 3],
    ['\u001B[1mabc\u001B[22m', 3],
    ['日本語', 6],
    ['e\u0301', 1],
    ['🚀 go', 5],
    ['…', 1],
  ])('%j takes %i columns', (text, width) => {
    expect(displayWidth(text)).toBe(width)
  })
})

describe('wrappedRows', () => {
  test.each([
    ['', 80, 1],
    ['x'.repeat(80), 80, 1],
    ['x'.repeat(81), 80, 2],
    ['x'.repeat(130), 110, 2],
    ['日'.repeat(41), 80, 2],
  ])('%j at %i columns takes %i rows', (line, columns, rows) => {
    expect(wrappedRows(line, columns)).toBe(rows)
  })
})

describe('fitLine', () => {
  test.each([
    ['short', 10, 'short'],
    ['exactly10!', 10, 'exactly10!'],
    ['eleven chars', 10, 'eleven ch…'],
    ['\u001B[32mSUCCEEDED\u001B[39m', 9, '\u001B[32mSUCCEEDED\u001B[39m'],
    ['\u001B[32mSUCCEEDED\u001B[39m', 5, 'SUCC…'],
    ['日本語日本語', 7, '日本語…'],
  ])('%j at %i columns is %j', (line, columns, fitted) => {
    expect(fitLine(line, columns)).toBe(fitted)
    expect(displayWidth(fitLine(line, columns))).toBeLessThanOrEqual(columns)
  })
})
