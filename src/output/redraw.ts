/**
 * A block of lines redrawn in place on a terminal (`status --watch`): each draw moves the cursor back up over the
 * previous block and clears to the end of the screen. A block taller than the terminal cannot be moved over, so it
 * is cut to fit with a last line saying how many rows are not shown.
 */
export interface Redraw {
  draw(lines: readonly string[]): void
}

export function redrawer(stream: NodeJS.WritableStream, rows?: number): Redraw {
  let previous = 0
  return {
    draw(lines) {
      let shown = [...lines]
      if (rows && shown.length > rows - 1) {
        const keep = Math.max(1, rows - 2)
        shown = [...shown.slice(0, keep), `… ${lines.length - keep} more rows (resize, or use a pipe for all)`]
      }

      const up = previous > 0 ? `\u001B[${previous}F\u001B[0J` : ''
      stream.write(`${up}${shown.join('\n')}\n`)
      previous = shown.length
    },
  }
}
