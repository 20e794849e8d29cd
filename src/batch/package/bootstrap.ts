/**
 * The job's side of a package: a POSIX sh script (no bash needed) that fetches the archive, checks its SHA-256,
 * unpacks it in a fresh directory of the attempt's own scratch space, `cd`s there and `exec`s the user's command.
 * The command travels as the script's own arguments (`sh -c SCRIPT mfbatch-bootstrap ARGV...`), so it reaches
 * `exec "$@"` untouched, never re-quoted into a string.
 *
 * Download, first that works: `aws s3 cp` (the job role), python with boto3 (the job role), then the presigned
 * HTTPS URL through curl, wget or python's urllib. Six rounds with backoff, as Metaflow does.
 * MFBATCH_BOOTSTRAP_VIA=aws|boto3|curl|wget|urllib in the job's environment forces one way.
 *
 * Nothing secret is in any argv, which every local user can read in /proc while the download runs: the presigned
 * URL comes in the job's environment (MFBATCH_PACKAGE_URL, private to the job's user), is taken out of it before
 * anything runs, and reaches curl and wget on their stdin (`-K -`, `-i -`) and python through its environment only.
 *
 * Quiet when it works: the step lines are kept in a variable and printed on stderr (with each failed try's own
 * output) only when a step fails, so a job's log holds only what its command printed.
 * MFBATCH_BOOTSTRAP_VERBOSE=1 prints them as they happen.
 *
 * An image may have only sh and python (no coreutils): mktemp, mkdir, rm, sleep and wc then get python stand-ins,
 * and nothing else the package's steps need is an outside program but tar (python's tarfile stands in).
 *
 * Exec, not a child: the command keeps the bootstrap's pid (pid 1 in a container), its stdin, its signals and its
 * exit status exactly. The cost is that nothing runs after it to clean up, so the package is unpacked where the
 * runtime cleans: $TMPDIR when set, else the working directory (the emulator's attempt folder, removed when the
 * attempt ends; a container's own layer on AWS), else /tmp (a container's own). Never a shared host /tmp.
 * With `--output` something must run after the command, so there it is a child instead, with its signals and exit
 * status handed through by hand (src/batch/outputs/bootstrap-section.ts takes the place of the `exec`).
 */
import type {PackageLocation} from './root'

export const BOOTSTRAP_NAME = 'mfbatch-bootstrap'
export const DOWNLOAD_ROUNDS = 6
/** The job's variable that holds the presigned URL (never the command line: see above). */
export const PACKAGE_URL_ENV = 'MFBATCH_PACKAGE_URL'

export interface BootstrapInput {
  image: string
  location: PackageLocation
  sha256: string
}

/** A single-quoted sh word: the value exactly, whatever it holds. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", String.raw`'\''`)}'`
}

/**
 * Python's own unpacking when tar is missing or fails: `filter='data'` where tarfile has it (3.12, and the
 * security releases of 3.8-3.11); otherwise every member checked first: no absolute path, no `..`, no link that
 * leads out of the directory, nothing but files, directories and links. No single quote: it sits in one sh word.
 * Short names: the script counts against the 8192 characters of a job's container overrides.
 */
const UNPACK_PY = String.raw`import os, sys, tarfile as T
d = os.path.realpath(sys.argv[2])
a = T.open(sys.argv[1], "r:gz")
if hasattr(T, "data_filter"): a.extractall(d, filter="data"); sys.exit()
out = lambda p: not (os.path.normpath(p) + os.sep).startswith(d + os.sep)
for m in a:
  n, l = m.name, m.linkname
  if os.path.isabs(n) or ".." in n.split("/") or out(os.path.join(d, n)) or not (m.isfile() or m.isdir() or m.issym() or m.islnk()) or (m.issym() or m.islnk()) and (os.path.isabs(l) or out(os.path.join(d, os.path.dirname(n) if m.issym() else "", l))): sys.exit("refused member %r: it would be written outside %s" % (n, d))
a.extractall(d)`

/**
 * Notes on the script: `log` keeps the step lines, printed by `die` (or as they happen when verbose); `out` takes
 * what each try or tool prints, and `said` quotes its last lines with any query string (a signature) cut off; a
 * command that cannot start is the shell's own error (126 or 127), after the steps that say where it was looked for.
 */
const PRELUDE = String.raw`set -u
log=''; v=${'$'}{MFBATCH_BOOTSTRAP_VERBOSE:-}; dir=''
say() { log="${'$'}{log}mfbatch-bootstrap: $*
"; [ -z "$v" ] || printf 'mfbatch-bootstrap: %s\n' "$*" >&2; }
die() { say "$*"; [ -n "$v" ] || printf '%s' "$log" >&2; [ -z "$dir" ] || rm -rf "$dir"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
U=${'$'}{${PACKAGE_URL_ENV}:-}; unset ${PACKAGE_URL_ENV}
ep=${'$'}{AWS_ENDPOINT_URL_S3:-${'$'}{AWS_ENDPOINT_URL:-}}
py=''; boto=''
for p in python3 python /usr/bin/python3; do
  have "$p" || continue
  [ -n "$py" ] || py=$p
  [ -n "$boto" ] || ! "$p" -c 'import boto3' >/dev/null 2>&1 || boto=$p
done
pyr() { "$py" -c "import os, shutil, sys, tempfile, time
$1" "$@"; }
have mktemp || mktemp() { pyr 'print(tempfile.mkdtemp(prefix="mfbatch-package.", dir=os.path.dirname(sys.argv[3])))' "$@"; }
have mkdir || mkdir() { pyr 'os.mkdir(sys.argv[2])' "$@"; }
have rm || rm() { pyr '[shutil.rmtree(p, True) if os.path.isdir(p) else os.path.exists(p) and os.remove(p) for p in sys.argv[3:]]' "$@"; }
have sleep || sleep() { pyr 'time.sleep(float(sys.argv[2]))' "$@"; }
have wc || wc() { pyr 'print(sys.stdin.buffer.seek(0, 2))' "$@"; }
base=${'$'}{TMPDIR:-}
{ [ -n "$base" ] && [ -d "$base" ] && [ -w "$base" ]; } || base=$PWD
[ -w "$base" ] || base=/tmp
dir=$(mktemp -d "$base/mfbatch-package.XXXXXX") || die "cannot make a directory under $base; set TMPDIR to a writable one"
archive="$dir/package.tar.gz"; out="$dir/out"
said() {
  if have sed; then tail -n 3 "$out" 2>/dev/null | tr '\n' ' ' | sed 's/?[^ ]*/?.../g'
  else pyr 'import re; print(re.sub(r"[?][^ ]*", "?...", " ".join(open(sys.argv[2]).read().splitlines()[-3:])), end="")' "$out"; fi 2>/dev/null
}
`

/**
 * `fetch BUCKET KEY SHA256 URL FILE`: one object (the package, a task table) downloaded with retries, the first
 * way that works, and its SHA-256 checked; the URL only for curl, wget and urllib (it may be empty).
 */
const FETCH = String.raw`try_aws() { have aws || return 127; aws ${'$'}{ep:+--endpoint-url "$ep"} s3 cp --only-show-errors "s3://$1/$2" "$5"; }
try_boto3() {
  [ -n "$boto" ] || return 127
  "$boto" -c 'import os, sys, boto3
ep = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None
boto3.client("s3", endpoint_url=ep).download_file(*sys.argv[1:])' "$1" "$2" "$5"
}
try_curl() { have curl && [ -n "$4" ] || return 127; printf 'url = %s\n' "$4" | curl -fsS -L --retry 2 -o "$5" -K -; }
try_wget() { have wget && [ -n "$4" ] || return 127; printf '%s\n' "$4" | wget -q -O "$5" -i -; }
try_urllib() {
  [ -n "$py" ] && [ -n "$4" ] || return 127
  ${PACKAGE_URL_ENV}=$4 "$py" -c 'import os, shutil, sys, urllib.request as u
with u.urlopen(os.environ["${PACKAGE_URL_ENV}"], timeout=60) as r, open(sys.argv[1], "wb") as f: shutil.copyfileobj(r, f)' "$5"
}
ways=${'$'}{MFBATCH_BOOTSTRAP_VIA:-aws boto3 curl wget urllib}
fetch() {
say "fetching s3://$1/$2 into $dir (tries: $ways)"
round=1; pause=1; got=''
while [ "$round" -le ${DOWNLOAD_ROUNDS} ] && [ -z "$got" ]; do
  usable=''
  for w in $ways; do
    try_$w "$@" >"$out" 2>&1; rc=$?
    [ "$rc" -eq 127 ] && continue
    usable=1
    [ "$rc" -eq 0 ] && got=$w && break
    say "download with $w failed (try $round of ${DOWNLOAD_ROUNDS}, exit $rc): $(said)"
  done
  [ -n "$usable" ] || die "no way to download in image $IMAGE (tried: $ways): it needs aws, python with boto3, or curl, wget or python with ${PACKAGE_URL_ENV}; add one"
  [ -n "$got" ] || { round=$((round + 1)); [ "$round" -gt ${DOWNLOAD_ROUNDS} ] || sleep "$pause"; pause=$((pause * 2)); }
done
[ -n "$got" ] || die "could not download s3://$1/$2 after ${DOWNLOAD_ROUNDS} tries; check that the job role can read it (the presigned URL, used without aws or boto3, lives a day plus a timeout per retry), then submit again"
size=$(wc -c < "$5"); say "downloaded with $got (${'$'}{size##* } bytes)"
if have sha256sum; then sum=$(sha256sum "$5"); sum=${'$'}{sum%% *}
elif have shasum; then sum=$(shasum -a 256 "$5"); sum=${'$'}{sum%% *}
elif [ -n "$py" ]; then sum=$("$py" -c 'import hashlib, sys
h, f = hashlib.sha256(), open(sys.argv[1], "rb")
for b in iter(lambda: f.read(1 << 20), b""): h.update(b)
print(h.hexdigest())' "$5")
else die "no sha256sum, shasum or python in image $IMAGE: cannot check s3://$1/$2; add one"; fi
[ "$sum" = "$3" ] || die "checksum mismatch: s3://$1/$2 has sha256 $sum, expected $3; the object is corrupt, submit again"
say "sha256 ok"
}
`

/** The package's own steps: the download, the unpacking and the `cd`. */
const UNPACK = String.raw`fetch "$B" "$K" "$S" "$U" "$archive"
mkdir "$dir/code" || die "cannot make $dir/code"
if have tar && tar -xzf "$archive" -C "$dir/code" >"$out" 2>&1; then say "unpacked with tar"
else
  ! have tar || say "tar could not unpack the package: $(said)"
  rm -rf "$dir/code"; mkdir "$dir/code" || die "cannot make $dir/code"
  if [ -n "$py" ] && "$py" -c '${UNPACK_PY}' "$archive" "$dir/code" >"$out" 2>&1; then say "unpacked with python tarfile"
  elif [ -n "$py" ]; then die "python could not unpack the package: $(said); add tar to image $IMAGE"
  else die "no tar or python in image $IMAGE: cannot unpack the package; add one"; fi
fi
rm -f "$archive" "$out"
cd "$dir/code" || die "cannot cd to $dir/code"
say "running in $dir/code"
`

/**
 * The last step when nothing runs after the command (no `--output`): see "Exec, not a child" above. A task table's
 * row (TR, tasks/bootstrap-step.ts) is exported only here, just before the `exec`, so that no variable of the row
 * changes what the bootstrap does (a column may be named dir, out or PATH).
 */
export const EXEC = String.raw`[ -n "$v" ] || have "${'$'}{1:-}" || printf '%s' "$log" >&2
eval "${'$'}{TR:-}" || exit 1
exec "$@"
`

/**
 * A part of the script another feature adds (src/batch/outputs/bootstrap-section.ts, tasks/bootstrap-step.ts,
 * submit/steps-object.ts): its facts (single-quoted assignments, nothing secret), and `run`, which takes the place
 * of the final `exec "$@"`.
 */
export interface BootstrapSection {
  facts: string[]
  run: string
  /**
   * `run` loads stored steps that do everything after the prelude (the package, the first step, the rest): the
   * command holds only the prelude and the loader, and needs no presigned URL (the loader needs aws or boto3).
   */
  stored?: boolean
}

/**
 * What runs after the prelude: the download function when needed, a first step (the task table's, before the
 * package: tasks/bootstrap-step.ts), the package, the run step.
 */
export function bootstrapBody(parts: {first?: string; package: boolean; run: string}): string {
  const fetch = parts.package || parts.first ? FETCH : ''
  return `${fetch}${parts.first ?? ''}${parts.package ? UNPACK : ''}${parts.run}`
}

/** The script, with the package's facts (nothing secret) as single-quoted assignments in front. */
export function bootstrapScript(input: BootstrapInput, section?: BootstrapSection): string {
  const facts = [
    `B=${shellQuote(input.location.bucket)}`,
    `K=${shellQuote(input.location.key)}`,
    `S=${shellQuote(input.sha256)}`,
    `IMAGE=${shellQuote(input.image)}`,
    ...(section?.facts ?? []),
  ].join('; ')
  const body = section?.stored ? section.run : bootstrapBody({package: true, run: section?.run ?? EXEC})
  return `${facts}\n${PRELUDE}${body}`
}

/** The script without a package: the common prelude, then the section's steps. */
export function sectionScript(image: string, section: BootstrapSection): string {
  const facts = [`IMAGE=${shellQuote(image)}`, ...section.facts].join('; ')
  const body = section.stored ? section.run : bootstrapBody({package: false, run: section.run})
  return `${facts}\n${PRELUDE}${body}`
}

/** The job's command: the bootstrap, then the user's argv as its positional parameters. */
export function wrapCommand(command: readonly string[], input: BootstrapInput, section?: BootstrapSection): string[] {
  return ['sh', '-c', bootstrapScript(input, section), BOOTSTRAP_NAME, ...command]
}

/** The job's command with a section's bootstrap and no package (`--output` without `--package`). */
export function wrapSectionOnly(command: readonly string[], image: string, section: BootstrapSection): string[] {
  return ['sh', '-c', sectionScript(image, section), BOOTSTRAP_NAME, ...command]
}

/** The bootstrap with some of its facts given new values; undefined when it is not one or lacks one of them. */
export function withFacts(command: readonly string[], facts: Readonly<Record<string, string>>): string[] | undefined {
  if (!isBootstrap(command)) return undefined
  const [first, ...rest] = command[2].split('\n')
  let line = first
  for (const [name, value] of Object.entries(facts)) {
    const fact = new RegExp(`(^|; )${name}='(?:[^']|'\\\\'')*'`)
    if (!fact.test(line)) return undefined
    line = line.replace(fact, (_all, lead: string) => `${lead}${name}=${shellQuote(value)}`)
  }

  return [...command.slice(0, 2), [line, ...rest].join('\n'), ...command.slice(3)]
}

/** One single-quoted fact of a bootstrap's first line (`NAME='value'`), read back; undefined when absent. */
export function bootstrapFact(command: readonly string[], name: string): string | undefined {
  if (!isBootstrap(command)) return undefined
  const facts = command[2].split('\n', 1)[0]
  return new RegExp(`(?:^|; )${name}='((?:[^']|'\\\\'')*)'`).exec(facts)?.[1].replaceAll(String.raw`'\''`, "'")
}

/** Whether a command is `sh -c BOOTSTRAP mfbatch-bootstrap ARGV...`. */
export function isBootstrap(command: readonly string[]): boolean {
  return command[0] === 'sh' && command[1] === '-c' && command[3] === BOOTSTRAP_NAME
}

/** The bucket and key a bootstrap fetches, read back from its facts line (a rerun ships beside the old package). */
export function bootstrapLocation(command: readonly string[]): undefined | {bucket: string; key: string} {
  const bucket = bootstrapFact(command, 'B')
  const key = bootstrapFact(command, 'K')
  return bucket === undefined || key === undefined ? undefined : {bucket, key}
}
