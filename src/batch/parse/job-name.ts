/**
 * Job names. AWS accepts up to 128 letters, digits, `-` and `_`, starting with a letter or digit. Metaflow builds
 * names from user, flow and step without cleaning them, so a user name like `first.last` makes SubmitJob fail;
 * we build ours from the user and the command's first words and clean them into that alphabet.
 *
 * Only the first words: a name is shown in tables, on stderr and kept in the history of recent jobs, so it must
 * never carry a whole `sh -c` script or an argument such as an API key (`--key sk-...`).
 */
export const JOB_NAME = /^[\dA-Za-z][\w-]{0,127}$/

const MAX = 128
/** The program and at most this many plain words after it. */
const FOLLOWING_WORDS = 2
/** A word a name can take: letters, digits, `.`, `_`, `-`, not starting with `-` (a flag), short. */
const PLAIN = /^[\dA-Za-z][\w.-]{0,31}$/
/** Prefixes of well-known tokens (OpenAI, GitHub, Slack, GitLab, Hugging Face, AWS access keys). */
const TOKEN_PREFIX = /^(?:(?:sk|pk|rk|ghp|gho|ghs|ghu|github_pat|xox[abprs]|glpat|hf)[_-]|(?:AKIA|ASIA)[\dA-Z]{12})/
/** Shells whose `-c SCRIPT` runs a script: the script's first words name the job, not the whole script. */
const SHELL = /^(?:sh|bash|dash|zsh|ksh|ash)$/
const DASH_C = /^-[a-z]*c[a-z]*$/
/** A script that starts with a keyword (`if`, `for`, ...) has no program first: the shell names it. */
const SHELL_KEYWORD = /^(?:if|for|while|until|case|select|function|time|do|then)$/

/** `alice` + `python /src/train.py --epochs 3` -> `alice-python-train_py`. */
export function defaultJobName(user: string | undefined, command: readonly string[]): string {
  return sanitizeJobName(
    [user ?? 'mfbatch', ...nameWords(command)]
      .map((word) => clean(word))
      .filter(Boolean)
      .join('-'),
  )
}

/**
 * The words a name is built from: the program's base name and up to two plain words after it, stopping at the
 * first word that is not plain (a flag, a value with `=` or `$`, anything that looks like a token). `sh -c SCRIPT`
 * is named by the script's first words when they start with a plain program, else by the shell alone.
 */
export function nameWords(command: readonly string[]): string[] {
  const program = baseName(command[0] ?? '')
  if (SHELL.test(program) && DASH_C.test(command[1] ?? '')) {
    const script = (command[2] ?? '').trim().split(/\s+/)
    const inner = script[0] === 'exec' ? script.slice(1) : script
    const first = baseName(inner[0] ?? '')
    return isPlain(first) && !SHELL_KEYWORD.test(first) ? firstWords(inner) : [program]
  }

  return firstWords(command)
}

function firstWords(command: readonly string[]): string[] {
  const words = [baseName(command[0] ?? '')]
  for (const word of command.slice(1, 1 + FOLLOWING_WORDS)) {
    const base = baseName(word)
    if (!isPlain(base)) break
    words.push(base)
  }

  return words
}

function baseName(word: string): string {
  return word.split('/').findLast(Boolean) ?? word
}

function isPlain(word: string): boolean {
  if (!PLAIN.test(word) || TOKEN_PREFIX.test(word)) return false
  // A long mix of letters and digits is more likely a key or a hash than a word.
  return !(word.length >= 16 && /\d/.test(word) && /[A-Za-z]/.test(word))
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
