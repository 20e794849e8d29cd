/**
 * With `--input` or `--output`, the bootstrap's steps travel in S3, not in the job's command: AWS allows 8192
 * characters of container overrides (command and environment), and the package's bootstrap with those steps, or
 * with a task table's and two presigned URLs, is over that; so `--package --tasks` goes this way too. So everything after the bootstrap's prelude (the package's
 * download and unpacking, the task table's row, the inputs, the run and the outputs) is one script, stored by its
 * SHA-256 under `<root>/mfbatch/bootstrap/` (uploaded once, like the package), and the command holds only the
 * prelude and a loader that downloads it with the job's role (aws, else boto3: the steps need one of them anyway,
 * so no presigned URL is sent), checks its SHA-256 and sources it (`.`), so it shares the bootstrap's functions,
 * variables and the command's "$@".
 */
import {createHash} from 'node:crypto'

import type {S3Api} from '../clients'
import type {PackageRoot} from '../package/root'

import {type BootstrapSection, shellQuote} from '../package/bootstrap'

export const STEPS_PREFIX = 'mfbatch/bootstrap/'

export interface StepsObject {
  bucket: string
  key: string
  text: string
}

const LOADER = String.raw`xs=$dir/steps.sh
if have aws; then aws ${'$'}{ep:+--endpoint-url "$ep"} s3 cp --only-show-errors "s3://$XB/$XK" "$xs"; else "${'$'}{boto:-false}" -c 'import os, sys, boto3
boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")).download_file(*sys.argv[1:])' "$XB" "$XK" "$xs"; fi >"$out" 2>&1 || die "could not download s3://$XB/$XK: $(said); --input, --output, and --tasks with --package, need aws or python with boto3 in image $IMAGE, and a job role that may use that bucket"
[ "$( (openssl dgst -sha256 -r || sha256sum || shasum -a 256) <"$xs" 2>/dev/null | cut -c1-64)" = "$XH" ] || die "s3://$XB/$XK is corrupt, or the image lacks openssl, sha256sum and shasum; submit again"
. "$xs"
`

/** The steps (`body`, their facts in the command) as an S3 object, and the small section that loads them. */
export function stepsObject(
  facts: readonly string[],
  body: string,
  root: PackageRoot,
): {loader: BootstrapSection; object: StepsObject} {
  const text = `# mfbatch bootstrap steps (--package, --tasks, --input, --output), sourced by the job's bootstrap\n${body}`
  const sha256 = createHash('sha256').update(text).digest('hex')
  const key = `${root.prefix ? `${root.prefix}/` : ''}${STEPS_PREFIX}${sha256}.sh`
  const all = [...facts, `XB=${shellQuote(root.bucket)}`, `XK=${shellQuote(key)}`, `XH=${shellQuote(sha256)}`]
  return {loader: {facts: all, run: LOADER, stored: true}, object: {bucket: root.bucket, key, text}}
}

/** Uploads the steps when S3 lacks them. */
export async function publishSteps(s3: S3Api, object: StepsObject): Promise<void> {
  if (!(await s3.exists(object.bucket, object.key))) await s3.putText(object.bucket, object.key, object.text)
}
