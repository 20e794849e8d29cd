/**
 * Reading newline-delimited files in fixed-size chunks, so a file of a million lines is scanned with constant memory
 * and without turning it all into one string. A last line without its newline is a write cut short (a crash in the
 * middle of an append): it is reported as the torn tail, not as a line.
 */
import {closeSync, fstatSync, openSync, readSync} from 'node:fs'

const CHUNK = 1024 * 1024
const NEWLINE = 0x0a

export interface ScanResult {
  /** Bytes of complete lines: where the next append belongs. */
  completeBytes: number
  /** Bytes after the last newline (0 when the file ends cleanly). */
  tornBytes: number
}

/**
 * Calls `onLine(buffer, start, end, offset)` for each complete line (end excludes the newline; `offset` is where the
 * line starts in the file). The buffer is reused between chunks: copy what you keep. A missing file scans as empty.
 */
export function scanLines(
  path: string,
  onLine: (buffer: Buffer, start: number, end: number, offset: number) => void,
): ScanResult {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {completeBytes: 0, tornBytes: 0}
    throw error
  }

  try {
    const total = fstatSync(fd).size
    let buffer = Buffer.allocUnsafe(CHUNK)
    let carry = 0 // bytes of an unfinished line kept at the start of the buffer
    let fileOffset = 0 // file offset of buffer[0]
    let position = 0
    while (position < total) {
      if (carry === buffer.length) {
        // One line longer than the buffer: grow it.
        const bigger = Buffer.allocUnsafe(buffer.length * 2)
        buffer.copy(bigger, 0, 0, carry)
        buffer = bigger
      }

      const read = readSync(fd, buffer, carry, buffer.length - carry, position)
      if (read === 0) break
      position += read
      const end = carry + read
      let start = 0
      let nl = buffer.indexOf(NEWLINE, carry)
      while (nl !== -1 && nl < end) {
        onLine(buffer, start, nl, fileOffset + start)
        start = nl + 1
        nl = buffer.indexOf(NEWLINE, start)
      }

      carry = end - start
      buffer.copy(buffer, 0, start, end)
      fileOffset += start
    }

    return {completeBytes: fileOffset, tornBytes: carry}
  } finally {
    closeSync(fd)
  }
}
