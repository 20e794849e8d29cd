/**
 * The job's side of a package: a POSIX sh script (no bash needed) that fetches the archive, checks its SHA-256,
 * unpacks it in a fresh directory, `cd`s there and `exec`s the user's command. The command travels as the
 * script's own arguments (`sh -c SCRIPT mfbatch-bootstrap ARGV...`), so it reaches `exec "$@"` untouched, never
 * re-quoted into a string. Every step writes one `mfbatch-bootstrap:` line on stderr, which `mfbatch logs` shows.
 *
 * Download, first that works: `aws s3 cp` (the job role), python with boto3 (the job role), then the presigned
 * HTTPS URL through curl, wget or python's urllib. Six rounds with backoff, as Metaflow does.
 * MFBATCH_BOOTSTRAP_VIA=aws|boto3|curl|wget|urllib in the job's environment forces one way.
 */
import type {PackageLocation} from './root'

export const BOOTSTRAP_NAME = 'mfbatch-bootstrap'
export const DOWNLOAD_ROUNDS = 6

export interface BootstrapInput {
  image: string
  location: PackageLocation
  presignedUrl: string
  sha256: string
}

/** A single-quoted sh word: the value exactly, whatever it holds. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", String.raw`'\''`)}'`
}

const SCRIPT = String.raw`set -u
say() { printf 'mfbatch-bootstrap: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
ep=${'$'}{AWS_ENDPOINT_URL_S3:-${'$'}{AWS_ENDPOINT_URL:-}}
via=${'$'}{MFBATCH_BOOTSTRAP_VIA:-}
py=''; boto=''
for p in python3 python /usr/bin/python3; do
  command -v "$p" >/dev/null 2>&1 || continue
  [ -n "$py" ] || py=$p
  if [ -z "$boto" ] && "$p" -c 'import boto3' >/dev/null 2>&1; then boto=$p; fi
done
have() { command -v "$1" >/dev/null 2>&1; }
# An image may have only sh and python: each tool below has a python stand-in.
pyrun() { [ -n "$py" ] && "$py" -c "$@"; }
if have mktemp; then dir=$(mktemp -d "${'$'}{TMPDIR:-/tmp}/mfbatch-package.XXXXXX")
else dir=$(pyrun 'import sys, tempfile; print(tempfile.mkdtemp(prefix="mfbatch-package.", dir=sys.argv[1]))' "${'$'}{TMPDIR:-/tmp}"); fi
[ -n "$dir" ] || die "cannot make a directory under ${'$'}{TMPDIR:-/tmp}"
archive="$dir/package.tar.gz"
try_aws() {
  have aws || return 127
  if [ -n "$ep" ]; then aws --endpoint-url "$ep" s3 cp --only-show-errors "s3://$B/$K" "$archive"
  else aws s3 cp --only-show-errors "s3://$B/$K" "$archive"; fi
}
try_boto3() {
  [ -n "$boto" ] || return 127
  "$boto" -c 'import os, sys, boto3
ep = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None
boto3.client("s3", endpoint_url=ep).download_file(sys.argv[1], sys.argv[2], sys.argv[3])' "$B" "$K" "$archive"
}
try_curl() { have curl || return 127; curl -fsSL --retry 2 -o "$archive" "$U"; }
try_wget() { have wget || return 127; wget -q -O "$archive" "$U"; }
try_urllib() {
  [ -n "$py" ] || return 127
  "$py" -c 'import shutil, sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=60) as r, open(sys.argv[2], "wb") as f: shutil.copyfileobj(r, f)' "$U" "$archive"
}
ways=${'$'}{via:-aws boto3 curl wget urllib}
say "fetching s3://$B/$K (tries: $ways)"
round=1; pause=1; got=''
while [ "$round" -le ${DOWNLOAD_ROUNDS} ] && [ -z "$got" ]; do
  usable=''
  for w in $ways; do
    try_$w; rc=$?
    [ "$rc" -eq 127 ] && continue
    usable=1
    if [ "$rc" -eq 0 ]; then got=$w; break; fi
    say "download with $w failed (try $round of ${DOWNLOAD_ROUNDS})"
  done
  [ -n "$usable" ] || die "no aws, python or curl/wget in image $IMAGE: cannot download the package (tried: $ways)"
  [ -n "$got" ] && break
  round=$((round + 1)); [ "$round" -le ${DOWNLOAD_ROUNDS} ] && { have sleep && sleep "$pause" || pyrun 'import sys, time; time.sleep(int(sys.argv[1]))' "$pause"; }; pause=$((pause * 2))
done
[ -n "$got" ] || die "could not download s3://$B/$K after ${DOWNLOAD_ROUNDS} tries; check the job role can read it"
if have wc; then size=$(wc -c < "$archive"); else size=$(pyrun 'import os, sys; print(os.path.getsize(sys.argv[1]))' "$archive"); fi
say "downloaded with $got (${'$'}{size##* } bytes)"
if have sha256sum; then sum=$(sha256sum "$archive"); sum=${'$'}{sum%% *}
elif have shasum; then sum=$(shasum -a 256 "$archive"); sum=${'$'}{sum%% *}
elif [ -n "$py" ]; then sum=$("$py" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$archive")
else die "no sha256sum, shasum or python in image $IMAGE: cannot check the package"; fi
[ "$sum" = "$S" ] || die "checksum mismatch: s3://$B/$K has sha256 $sum, expected $S; the object is corrupt, submit again"
say "sha256 ok"
if have mkdir; then mkdir "$dir/code"; else pyrun 'import os, sys; os.mkdir(sys.argv[1])' "$dir/code"; fi || die "cannot make $dir/code"
if have tar && tar -xzf "$archive" -C "$dir/code" 2>/dev/null; then say "unpacked with tar"
elif [ -n "$py" ] && "$py" -c 'import sys, tarfile
tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$archive" "$dir/code"; then say "unpacked with python tarfile"
else die "no tar or python in image $IMAGE: cannot unpack the package"; fi
if have rm; then rm -f "$archive"; else pyrun 'import os, sys; os.remove(sys.argv[1])' "$archive"; fi
cd "$dir/code" || die "cannot cd to $dir/code"
say "running in $dir/code"
exec "$@"
`

/** The script, with the package's facts as single-quoted assignments in front. */
export function bootstrapScript(input: BootstrapInput): string {
  const facts = [
    `B=${shellQuote(input.location.bucket)}`,
    `K=${shellQuote(input.location.key)}`,
    `S=${shellQuote(input.sha256)}`,
    `U=${shellQuote(input.presignedUrl)}`,
    `IMAGE=${shellQuote(input.image)}`,
  ].join('; ')
  return `${facts}\n${SCRIPT}`
}

/** The job's command: the bootstrap, then the user's argv as its positional parameters. */
export function wrapCommand(command: readonly string[], input: BootstrapInput): string[] {
  return ['sh', '-c', bootstrapScript(input), BOOTSTRAP_NAME, ...command]
}
