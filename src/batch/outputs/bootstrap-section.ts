/**
 * The job's side of `--output` (DESIGN.md section 12): the bootstrap's last step when outputs are declared. It runs
 * the command as a child instead of `exec`ing it, because something must run after it: the declared outputs that
 * exist are packed into one deterministic tar (see the notes on the script), gzipped when small (GZIP_LIMIT), and
 * uploaded with the job's own role (`aws s3 cp`, else boto3) to `OK/$AWS_BATCH_JOB_ID/attempt-$AWS_BATCH_JOB_ATTEMPT`
 * `.tar.gz` or `.tar` (AWS_BATCH_JOB_ID is `ID:N` for an array child and `ID#N` for a node), its SHA-256 computed by
 * a background openssl (or sha256sum) while it uploads; then a small JSON manifest beside it (its SHA-256, size,
 * encoding `gzip` or `none`, what was missing, the command's exit code), written last, so a manifest means a whole
 * archive.
 *
 * As a child the command would lose what `exec` gave it, so the script gives it back: TERM and INT (Batch's stop,
 * Ctrl-C in a terminal) are passed on, stdin is handed down (an asynchronous list's stdin is /dev/null otherwise),
 * and the exit code (128+N after a signal) is the bootstrap's own. A failed upload fails the attempt: exit 1 when
 * the command had succeeded, with a line saying the outputs could not be uploaded.
 */
import type {BootstrapSection} from '../package/bootstrap'
import type {S3Output} from './layout'

import {shellQuote} from '../package/bootstrap'

export interface OutputsTarget {
  bucket: string
  /** `<root>/mfbatch/outputs/<submission>`: the job id and attempt are added by the job itself. */
  prefix: string
}

/**
 * Archives up to this size are gzipped (`attempt-N.tar.gz`), larger ones uploaded as a plain tar (`attempt-N.tar`).
 * gzip runs at about 45 MiB/s whatever its level and gains nothing on the large binary outputs jobs make (models,
 * checkpoints, arrays): for 1 GiB of such bytes it took 22 s of a 39 s upload (bench/README.md, B10). Up to 64 MiB it
 * costs at most 1.5 s and keeps small text outputs (logs, metrics, CSV) small in S3 and on the way down.
 */
export const GZIP_LIMIT = 64 * 1024 * 1024

/**
 * The streamed archive's uploader when the image has boto3: one process reads tar's stream, hashes and counts it as
 * s3transfer asks for its parts (a reader without seek: a multipart upload of what comes), then puts the manifest,
 * with the same fields in the same order as the script's printf. About 1.3 s of 10 s less than tee, a hasher and
 * `aws s3 cp -` followed by a second `aws` for the manifest (bench/README.md, B10).
 */
const STREAM_PY = String.raw`import hashlib, json, os, sys, boto3
s = boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL"))
b, k, rc, m = sys.argv[1:]
h, i, n = hashlib.sha256(), sys.stdin.buffer, [0]
class R:
  def read(self, z=-1):
    d = i.read(z); h.update(d); n[0] += len(d); return d
s.upload_fileobj(R(), b, k + ".tar")
f = {"bytes": n[0], "encoding": "none", "exitCode": int(rc), "missing": json.loads("[" + m + "]"), "sha256": h.hexdigest()}
s.put_object(Bucket=b, Key=k + ".json", Body=json.dumps(f, separators=(",", ":")).encode())`

/**
 * Notes on the script (stored in S3 beside the package, submit/steps-object.ts, so its length costs nothing in the
 * command): the paths are split on spaces (submit refuses paths with spaces or quotes) and globbed by sh; one that
 * matches nothing is listed as missing. With `--tasks`, `xp` puts the row's value (TR, exported only in a
 * subshell, so that no column changes this script's variables; its own are MFBATCH_*, which no column may be) in
 * place of each `${NAME}`, literally: never evaluated, and its glob characters bracketed (`[*]`), so only the
 * user's own pattern globs; the list is then split on line breaks only, so a value's spaces stay (submit refuses
 * line breaks, quotes and backslashes in the values a path uses, and a path that a row leads out of the
 * directory; the `case` here is the last guard). The command itself runs with TR exported in its own subshell. GNU
 * tar gives the deterministic archive (names sorted, one fixed mtime, no owners; gzip -n: no name or date); another
 * tar an ordinary one, from the list (-T) or, as busybox's has no -T, from the names kept as the script's own
 * arguments (the command has run by then); with no names, busybox refuses an empty archive, so it is written as
 * tar's end-of-archive blocks alone (10240 zero bytes); `pk` picks the tar once, as a stream cannot be tried twice.
 * The archive is hashed beside its upload, and the manifest is written only once both are done. The hasher is openssl
 * when the image has one (`-r`: sha256sum's format), else sha256sum or shasum: openssl uses the CPU's SHA
 * instructions, about 4x less CPU taken from the upload beside it.
 *
 * Outputs over GZIP_LIMIT (by du) are never copied into an archive file: writing 1 GiB again, and writing it back to
 * disk during the upload, cost 2 s of a 10 s upload (bench/README.md, B10). tar's stream goes, over a FIFO, to one
 * python process when the image has boto3 (STREAM_PY: it uploads, hashes, counts and puts the manifest); else
 * through tee, over FIFOs, to the hasher, to wc (the manifest's size) and to `aws s3 cp -`. The script holds the
 * upload's FIFO open (fd 5) until tar has ended: when tar or tee fails, the uploader is killed before it can see
 * the end of its input, so a cut-off stream never completes an object in S3; an uploader that failed by itself (any
 * exit but the 137 of that kill) is the reason given, as tar then dies of the broken pipe.
 * `put` always runs in a subshell that it `exec`s, so that `$!` is the uploader itself. It uploads with aws, else
 * boto3, with the job's own role (a stream only with aws: with boto3, STREAM_PY takes it). OS holds `PATH,URL` words of the outputs left in S3 (`--output PATH=s3://...`),
 * each copied there (a directory recursively); one that is missing is listed in the manifest as the others are.
 */
const RUN = String.raw`[ -n "$v" ] || have "${'$'}{1:-}" || printf '%s' "$log" >&2
exec 3<&0
(eval "${'$'}{TR:-}" && exec "$@") <&3 3<&- &
c=$!
trap 'kill -TERM $c' TERM
trap 'kill -INT $c' INT
wait $c; rc=$?
while [ $rc -gt 128 ] && kill -0 $c 2>/dev/null; do wait $c; rc=$?; done
fail() { say "$*"; [ -n "$v" ] || printf '%s' "$log" >&2; for p in ${'$'}{ap:-} ${'$'}{hp:-} ${'$'}{wp:-}; do kill -9 $p 2>/dev/null; done; rm -rf "$dir"; [ $rc -ne 0 ] || rc=1; exit $rc; }
wt() { wait $1; r=$?; while kill -0 $1 2>/dev/null; do wait $1; r=$?; done; return $r; }
A=$dir/o.tar; n=$dir/o.list; m=''; : >"$n"; set --
xp() { (eval "${'$'}{TR:-}"; MFBATCH_t=$1; MFBATCH_r=''
  while :; do
    case $MFBATCH_t in *'${'$'}{'*'}'*) ;; *) break ;; esac
    MFBATCH_r=$MFBATCH_r${'$'}{MFBATCH_t%%'${'$'}{'*}; MFBATCH_t=${'$'}{MFBATCH_t#*'${'$'}{'}
    MFBATCH_n=${'$'}{MFBATCH_t%%'}'*}; MFBATCH_t=${'$'}{MFBATCH_t#*'}'}
    case $MFBATCH_n in ''|*[!A-Za-z0-9_]*) MFBATCH_n=MFBATCH_none ;; esac
    eval "MFBATCH_x=${'\\${'}$MFBATCH_n-}"
    [ -z "${'$'}{2:-}" ] || { MFBATCH_r=$MFBATCH_r$MFBATCH_x; continue; }
    while [ -n "$MFBATCH_x" ]; do
      MFBATCH_c=${'$'}{MFBATCH_x%"${'$'}{MFBATCH_x#?}"}; MFBATCH_x=${'$'}{MFBATCH_x#?}
      case $MFBATCH_c in '*'|'?'|'[') MFBATCH_r="$MFBATCH_r[$MFBATCH_c]" ;; *) MFBATCH_r=$MFBATCH_r$MFBATCH_c ;; esac
    done
  done
  printf '%s' "$MFBATCH_r$MFBATCH_t") }
D=$IFS; set -f
for q in $OP; do
  x=$q; l=$q
  case $q in *'${'$'}{'*) x=$(xp "$q"); l=$(xp "$q" 1) ;; esac
  case /$l/ in //*|*/../*) say "the output $q of this row is $l, outside the working directory: left out"; m="${'$'}{m:+$m,}\"$l\""; continue ;; esac
  set +f; IFS='
'; f=''
  for p in $x; do [ -e "$p" ] && echo "$p" >>"$n" && set -- "$@" "$p" && f=1; done
  IFS=$D; set -f
  [ -n "$f" ] || m="${'$'}{m:+$m,}\"$l\""
done
set +f
if have openssl && echo | openssl dgst -sha256 -r >/dev/null 2>&1; then H='openssl dgst -sha256 -r'; elif have sha256sum; then H=sha256sum; elif have shasum; then H='shasum -a 256'; else fail "no openssl, sha256sum or shasum in image $IMAGE: cannot check the outputs; add one"; fi
for e in ${'$'}{OS:-}; do
  p=${'$'}{e%%,*}; u=${'$'}{e#*,}; r=''; [ -d "$p" ] && r=--recursive
  [ -e "$p" ] || { m="${'$'}{m:+$m,}\"$p\""; continue; }
  if have aws; then aws ${'$'}{ep:+--endpoint-url "$ep"} s3 cp --only-show-errors $r "$p" "$u"; else "${'$'}{boto:-false}" -c 'import os, sys, boto3
s = boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL"))
p, u = sys.argv[1:]
b, k = u[5:].split("/", 1)
d = os.path.isdir(p)
for f in [os.path.join(r, n) for r, _, ns in os.walk(p) for n in ns] if d else [p]:
  s.upload_file(f, b, k + (os.path.relpath(f, p) if d else os.path.basename(f)))' "$p" "$u"; fi >"$out" 2>&1 || fail "could not upload the output $p to $u: $(said); check that the job role may write there"
done
k="$OK/${'$'}{AWS_BATCH_JOB_ID:-job}/attempt-${'$'}{AWS_BATCH_JOB_ATTEMPT:-1}"
put() { if have aws; then exec aws ${'$'}{ep:+--endpoint-url "$ep"} s3 cp --only-show-errors "$1" "s3://$OB/$k$2"; else exec "${'$'}{boto:-false}" -c 'import os, sys, boto3
boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")).upload_file(*sys.argv[1:])' "$1" "$OB" "$k$2"; fi; }
g='--sort=name --mtime=@946684800 --owner=0 --group=0 --numeric-owner'
tar $g -cf /dev/null -T /dev/null 2>/dev/null || g=''
pk() { if [ -n "$g" ] || tar -cf /dev/null -T /dev/null 2>/dev/null; then tar $g -cf - -T "$n"; elif [ $# -gt 0 ]; then tar -cf - -- "$@"; else head -c 10240 /dev/zero; fi; }
X=tar; E=none; e=0
[ $# -eq 0 ] || e=$(du -skc -- "$@" 2>/dev/null | tail -n 1); e=${'$'}{e%%[!0-9]*}
up="could not upload the outputs to s3://$OB/$k"
ur="check that the job role may write there (and that the image has aws or python with boto3)"
if [ "${'$'}{e:-0}" -gt ${GZIP_LIMIT / 1024} ] && have mkfifo && mkfifo "$dir/p" && { [ -n "$boto" ] || { have tee && mkfifo "$dir/h" "$dir/w"; }; }; then
  if [ -n "$boto" ]; then
    "$boto" -c '${STREAM_PY}' "$OB" "$k" "$rc" "$m" <"$dir/p" >"$out" 2>&1 & ap=$!
    exec 5>"$dir/p"
    { pk "$@" 2>"$dir/t.err" || : >"$dir/bad"; } >&5
  else
    $H <"$dir/h" >"$dir/o.sha" 2>"$dir/o.err" & hp=$!
    wc -c <"$dir/w" >"$dir/o.size" & wp=$!
    (put - .tar) <"$dir/p" >"$out" 2>&1 & ap=$!
    exec 5>"$dir/p"
    { pk "$@" 2>"$dir/t.err" || : >"$dir/bad"; } | tee "$dir/h" "$dir/w" >&5 || : >"$dir/tee"
  fi
  [ ! -e "$dir/bad" ] && [ ! -e "$dir/tee" ] || kill -9 $ap 2>/dev/null
  exec 5>&-
  wt $ap 2>/dev/null; r=$?; ap=''
  [ $r -eq 0 ] || [ $r -eq 137 ] || fail "$up.tar: $(said); $ur"
  [ $r -eq 0 ] && [ ! -e "$dir/bad" ] || { mv "$dir/t.err" "$out"; fail "could not pack the outputs: $(said)"; }
  [ -z "$boto" ] || { rm -rf "$dir"; exit $rc; }
  wt $wp; wp=''; b=$(cat "$dir/o.size")
else
  pk "$@" >"$A" 2>"$out" || fail "could not pack the outputs: $(said)"
  b=$(wc -c <"$A")
  [ ${'$'}{b##* } -gt ${GZIP_LIMIT} ] || { gzip -nf "$A" >"$out" 2>&1 || fail "could not pack the outputs: $(said)"; A=$A.gz; X=tar.gz; E=gzip; b=$(wc -c <"$A"); }
  $H <"$A" >"$dir/o.sha" 2>"$dir/o.err" & hp=$!
  (put "$A" ".$X") >"$out" 2>&1 || fail "$up.$X: $(said); $ur"
fi
wt $hp; hp=''
s=$(cut -c1-64 <"$dir/o.sha")
[ ${'$'}{#s} -eq 64 ] || fail "could not hash the outputs with $H: $(tail -n 1 "$dir/o.err" 2>/dev/null)"
printf '{"bytes":%s,"encoding":"%s","exitCode":%s,"missing":[%s],"sha256":"%s"}' ${'$'}{b##* } $E $rc "$m" "$s" >"$dir/o.json"
(put "$dir/o.json" .json) >"$out" 2>&1 || fail "$up.json: $(said); $ur"
rm -rf "$dir"; exit $rc
`

/** The bootstrap's section for `--output`: where the archive goes and what it holds. */
export function outputsSection(
  target: OutputsTarget,
  paths: readonly string[],
  toS3: readonly S3Output[] = [],
): BootstrapSection {
  return {
    facts: [
      `OB=${shellQuote(target.bucket)}`,
      `OK=${shellQuote(target.prefix)}`,
      `OP=${shellQuote(paths.join(' '))}`,
      ...(toS3.length > 0 ? [`OS=${shellQuote(toS3.map((o) => `${o.path},${o.url}`).join(' '))}`] : []),
    ],
    run: RUN,
  }
}
