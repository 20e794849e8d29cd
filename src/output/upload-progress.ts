/** The package upload's share sent, redrawn on one stderr line (a terminal only: the caller decides). */
export function uploadProgress(sent: number, total: number): void {
  const share = total > 0 ? Math.floor((sent / total) * 100) : 100
  process.stderr.write(`\rmfbatch: uploading the package ${share}%${sent >= total ? '\n' : ''}`)
}
