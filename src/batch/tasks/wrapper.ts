/**
 * The job's side of a plain `--tasks` (no package, `--input` or `--output`; with them, the bootstrap's stored steps
 * take the row: bootstrap-step.ts): a POSIX sh wrapper in front of the user's command, as the multi-node
 * rendezvous wrapper is. Jobs submitted before kept it in front of the package's bootstrap too, which `rerun`
 * still reads (unwrapTasks, rerun/package.ts). It fetches the stored table
 * (stored.ts), checks its SHA-256, exports the child's row (line AWS_BATCH_JOB_ARRAY_INDEX + 2; 0 for a plain
 * job) and `exec`s the rest, so the command keeps the pid, the signals and the exit status.
 *
 * Download, first that works: `aws s3 cp` or boto3 with the job's own credentials, then the presigned URL that
 * comes in the job's environment (TASKS_URL_ENV, taken out of it before anything runs; never an argument, which
 * any local user could read in /proc) through python's urllib, or curl on stdin. Four tries with backoff.
 * Quiet when it works; a failure is one line on stderr saying what to do. An index that is not a number cannot
 * happen on AWS Batch; the sed line would then be empty, which is refused as "no row".
 */
import {shellQuote} from '../package/bootstrap'

export const TASKS_WRAPPER_NAME = 'mfbatch-tasks'
/** The job's variable that holds the table's presigned URL. */
export const TASKS_URL_ENV = 'MFBATCH_TASKS_URL'

export interface TasksObject {
  bucket: string
  key: string
  sha256: string
}

/* eslint-disable no-template-curly-in-string -- sh parameter expansions, expanded by the job's sh */
// Short, with short names: it shares AWS's 8192 characters of container overrides with the package bootstrap, the
// command and two presigned URLs. Its variables start with _T so that no variable of the job's is overwritten.
const SCRIPT = [
  'set -u',
  '_Td() { echo "mfbatch-tasks: $*" >&2; rm -f "$_Tf"; exit 1; }',
  `_TU=\${${TASKS_URL_ENV}:-}; unset ${TASKS_URL_ENV}`,
  '_Ti=${AWS_BATCH_JOB_ARRAY_INDEX:-0}; _Te=${AWS_ENDPOINT_URL_S3:-${AWS_ENDPOINT_URL:-}}',
  '_Tf=$(mktemp) || exit 1',
  '_Tg() {',
  '  aws ${_Te:+--endpoint-url "$_Te"} s3 cp --only-show-errors "s3://$_TB/$_TK" "$_Tf" && return',
  `  ${TASKS_URL_ENV}=$_TU python3 -c 'import os, sys`,
  'e = os.environ',
  'try: import boto3; boto3.client("s3", endpoint_url=e.get("AWS_ENDPOINT_URL_S3") or e.get("AWS_ENDPOINT_URL")).download_file(*sys.argv[1:])',
  `except Exception: import urllib.request as u; open(sys.argv[3], "wb").write(u.urlopen(e["${TASKS_URL_ENV}"]).read())' "$_TB" "$_TK" "$_Tf" && return`,
  String.raw`  printf "url = %s\n" "$_TU" | curl -fsSL -o "$_Tf" -K -`,
  '}',
  'for _Tn in 1 2 4 0; do',
  '  _Tg >/dev/null 2>&1 && break',
  '  [ $_Tn = 0 ] && _Td "cannot download the task table s3://$_TB/$_TK; the image needs aws, python3 or curl"',
  '  sleep $_Tn',
  'done',
  '_Ts=$(sha256sum "$_Tf" || shasum -a 256 "$_Tf") || _Td "no sha256sum or shasum in the image"',
  'case $_Ts in "$_TS "*) ;; *) _Td "the task table s3://$_TB/$_TK has sha256 ${_Ts%% *}, expected $_TS; submit again";; esac',
  '_Tr=$(sed -n "$((_Ti + 2))p" "$_Tf"); rm -f "$_Tf"',
  'case $_Tr in "export "*) ;; *) _Td "the task table has no row for child $_Ti";; esac',
  "_Tn='",
  "'",
  'eval "$_Tr" || _Td "cannot set the variables of row $((_Ti + 1))"',
  'exec "$@"',
].join('\n')
/* eslint-enable no-template-curly-in-string */

export function tasksScript(table: TasksObject): string {
  const facts = `_TB=${shellQuote(table.bucket)}; _TK=${shellQuote(table.key)}; _TS=${shellQuote(table.sha256)}`
  return `${facts}\n${SCRIPT}`
}

/** `sh -c WRAPPER mfbatch-tasks COMMAND...`: the command (maybe itself wrapped) as the wrapper's arguments. */
export function wrapTasks(command: readonly string[], table: TasksObject): string[] {
  return ['sh', '-c', tasksScript(table), TASKS_WRAPPER_NAME, ...command]
}

export function isTasksWrapper(command: readonly string[]): boolean {
  return command[0] === 'sh' && command[1] === '-c' && command[3] === TASKS_WRAPPER_NAME
}

/** The command inside the wrapper (the command itself when it has none). */
export function unwrapTasks(command: readonly string[]): string[] {
  return isTasksWrapper(command) ? command.slice(4) : [...command]
}
