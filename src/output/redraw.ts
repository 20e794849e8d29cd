import type {WriteStream} from 'node:tty'

import {fitLine, wrappedRows} from './width'

/**
 * A block of lines redrawn in place on a terminal (`status --watch`): each draw moves the cursor back up over the
 * previous block and clears to the end of the screen. Moving up counts terminal rows, not lines, so a line the
 * terminal wrapped must be counted as the rows it took: lines are cut to the terminal's width first (a line that
 * never wraps cannot be miscounted), and the rows are still counted as the terminal wraps them in case the width
 * is unknown or a character is wider than measured. A block taller than the terminal cannot be moved over, so it
 * is cut to fit with a last line saying how many rows are not shown.
 */
export interface Redraw {
  draw(lines: readonly string[]): void
}

export interface TerminalSize {
  columns?: number
  rows?: number
}

/** The size of the terminal `stream` writes to, now; nothing when it is not a terminal. */
function sizeOf(stream: NodeJS.WritableStream): TerminalSize {
  const {columns, rows} = stream as Partial<WriteStream>
  return {columns, rows}
}

/** `size` is read at every draw, so a resized terminal gets lines cut to its new width. */
export function redrawer(stream: NodeJS.WritableStream, size: () => TerminalSize = () => sizeOf(stream)): Redraw {
  let previous = 0
  return {
    draw(lines) {
      const {columns, rows} = size()
      let shown = columns ? lines.map((line) => fitLine(line, columns)) : [...lines]
      if (rows && shown.length > rows - 1) {
        const keep = Math.max(1, rows - 2)
        const more = `… ${lines.length - keep} more rows (resize, or use a pipe for all)`
        shown = [...shown.slice(0, keep), columns ? fitLine(more, columns) : more]
      }

      const up = previous > 0 ? `\u001B[${previous}F\u001B[0J` : ''
      stream.write(`${up}${shown.join('\n')}\n`)
      previous = columns ? shown.reduce((sum, line) => sum + wrappedRows(line, columns), 0) : shown.length
    },
  }
}
