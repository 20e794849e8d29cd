/**
 * The job's side of `--input` (DESIGN.md section 12): a step of the bootstrap, after the package (if any) is in
 * place and before the command runs, that puts each input at its path in the working directory. S3 objects and
 * prefixes come with the job's own role (`aws s3 cp [--recursive]`, else boto3); local inputs were uploaded by
 * content and are checked against their SHA-256 on arrival, a directory unpacked from its archive.
 *
 * Notes (short: the script counts against the 8192 characters of a job's container overrides): IN holds one
 * `KIND,URL,SHA256,PATH` word per input (parse.ts refuses spaces and commas in them); KIND o (object), p (prefix),
 * f (local file), d (local directory). boto3's prefix download skips folder markers and keys with `..`. The check
 * hashes with openssl first (the CPU's SHA instructions: about 4x faster on a large input), else sha256sum or shasum;
 * each of them fails before reading stdin when it is missing or does not know its options.
 */
import type {PlacedInput} from './local'

import {shellQuote} from '../package/bootstrap'

const KIND = {dir: 'd', file: 'f', 's3-object': 'o', 's3-prefix': 'p'} as const

const GET_PY = String.raw`import os, sys, boto3
s = boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL"))
b, k = sys.argv[1][5:].split("/", 1)
r = sys.argv[3:]
for p in s.get_paginator("list_objects_v2").paginate(Bucket=b, Prefix=k) if r else [{"Contents": [{"Key": k}]}]:
  for o in p.get("Contents", []):
    n = o["Key"][len(k):] if r else ""
    if n.endswith("/") or ".." in n.split("/"): continue
    d = os.path.join(sys.argv[2], n) if r else sys.argv[2]
    os.makedirs(os.path.dirname(d) or ".", exist_ok=True); s.download_file(b, o["Key"], d)`

const STEP = String.raw`get() { if have aws; then aws ${'$'}{ep:+--endpoint-url "$ep"} s3 cp --only-show-errors ${'$'}{3:-} "$1" "$2"; else "${'$'}{boto:-false}" -c '${GET_PY}' "$1" "$2" ${'$'}{3:-}; fi >"$out" 2>&1; }
ck() { [ "$( (openssl dgst -sha256 -r || sha256sum || shasum -a 256) <"$1" 2>/dev/null | cut -c1-64)" = "$h" ] || { echo "$u has not sha256 $h: it is corrupt" >"$out"; false; }; }
for e in $IN; do
  t=${'$'}{e%%,*}; r=${'$'}{e#*,}; u=${'$'}{r%%,*}; r=${'$'}{r#*,}; h=${'$'}{r%%,*}; p=${'$'}{r#*,}
  say "input $u to $p"
  mkdir -p "$(dirname "$p")" || die "cannot make the folder of $p"
  case $t in
    p) get "$u" "$p" --recursive ;;
    d) get "$u" "$dir/i.tgz" && ck "$dir/i.tgz" && mkdir -p "$p" && tar -xzf "$dir/i.tgz" -C "$p" >"$out" 2>&1 && rm -f "$dir/i.tgz" ;;
    f) get "$u" "$p" && ck "$p" ;;
    *) get "$u" "$p" ;;
  esac || die "could not place the input $u at $p: $(said); check that it exists and the job role may read it"
done
`

/** The facts and the step for the inputs; none without inputs. */
export function inputsStep(inputs: readonly PlacedInput[]): undefined | {facts: string[]; step: string} {
  if (inputs.length === 0) return undefined
  const words = inputs.map((i) => [KIND[i.kind], i.url, i.sha256 ?? '-', i.path].join(','))
  return {facts: [`IN=${shellQuote(words.join(' '))}`], step: STEP}
}
