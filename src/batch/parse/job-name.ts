/**
 * Job names. AWS accepts up to 128 letters, digits, `-` and `_`, starting with a letter or digit. Metaflow builds
 * names from user, flow and step without cleaning them, so a user name like `first.last` makes SubmitJob fail;
 * we build ours from the user and the command and clean them into that alphabet.
 */
export const JOB_NAME = /^[\dA-Za-z][\w-]{0,127}$/

const MAX = 128

/** `alice` + `python /src/train.py --epochs 3` -> `alice-python-train_py-epochs-3`. */
export function defaultJobName(user: string | undefined, command: readonly string[]): string {
  const words = [user ?? 'mfbatch', ...command.map((word) => word.split('/').findLast(Boolean) ?? word)]
  return sanitizeJobName(
    words
      .map((word) => clean(word))
      .filter(Boolean)
      .join('-'),
  )
}

/** Any text -> a valid job name; never empty. */
export function sanitizeJobName(raw: string): string {
  const name = clean(raw)
    .slice(0, MAX)
    .replace(/[-_]+$/, '')
  return JOB_NAME.test(name) ? name : `mfbatch-${name}`.slice(0, MAX).replace(/[-_]+$/, '') || 'mfbatch'
}

/** Characters outside the alphabet become `_`, runs collapse, and leading/trailing separators go. */
function clean(word: string): string {
  return word
    .replaceAll(/[^\w-]+/g, '_')
    .replaceAll(/_+/g, '_')
    .replace(/^[-_]+/, '')
    .replace(/[-_]+$/, '')
}
