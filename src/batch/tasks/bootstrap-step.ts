/**
 * `--tasks` inside the bootstrap (package/bootstrap.ts) when the job has stored steps (a package, `--input` or
 * `--output`: submit/inputs-step.ts): instead of a second sh wrapper in the command (wrapper.ts, kept for a plain
 * `--tasks`), the steps' `fetch` downloads the table (with aws or boto3 there; the URL in TASKS_URL_ENV, when a job
 * has one, for curl, wget or urllib), checks its SHA-256 and keeps the child's line (line AWS_BATCH_JOB_ARRAY_INDEX
 * + 2) in TR. The line is `eval`ed just before the command starts (EXEC, or the outputs' run step), never earlier: a
 * column named like one of the bootstrap's own variables (dir, out, v) then cannot change what the bootstrap does.
 * Pure sh (no sed): an image may have only sh and python.
 */
import {shellQuote} from '../package/bootstrap'
import {TASKS_URL_ENV, type TasksObject} from './wrapper'

/* eslint-disable no-template-curly-in-string -- sh parameter expansions, expanded by the job's sh */
const STEP = [
  `TU=\${${TASKS_URL_ENV}:-}; unset ${TASKS_URL_ENV}`,
  'fetch "$TB" "$TK" "$TS" "$TU" "$dir/t.env"',
  'TI=${AWS_BATCH_JOB_ARRAY_INDEX:-0}; i=$((TI + 2)); TR=""',
  'while [ $i -gt 0 ] && IFS= read -r TR; do i=$((i - 1)); done <"$dir/t.env"',
  'rm -f "$dir/t.env"',
  'case $i$TR in "0export "*) ;; *) die "the task table s3://$TB/$TK has no row for child $TI; submit again";; esac',
  "_Tn='",
  "'",
  'say "child $TI: row $((TI + 1)) of the task table"',
  '',
].join('\n')
/* eslint-enable no-template-curly-in-string */

/** The facts (where the table is, its SHA-256) and the step, for a BootstrapSection's `facts` and `first`. */
export function tasksStep(table: TasksObject): {facts: string[]; first: string} {
  return {
    facts: [`TB=${shellQuote(table.bucket)}`, `TK=${shellQuote(table.key)}`, `TS=${shellQuote(table.sha256)}`],
    first: STEP,
  }
}

/** The facts of a bootstrap that holds the step: a rerun gives them new values (rerun.ts). */
export function tasksFacts(table: TasksObject): Record<string, string> {
  return {TB: table.bucket, TK: table.key, TS: table.sha256}
}
