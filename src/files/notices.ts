/**
 * What mfbatch chose not to use and the user should hear about once (a config file in a folder others can write,
 * a history file that is a link). src/config and src/batch never print: they tell this module, and the command
 * layer (BaseCommand) says each line once on stderr. Lines told before it listens wait for it.
 */
const said = new Set<string>()
const waiting: string[] = []
let listener: ((line: string) => void) | undefined

/** Says `line` once per process (the same line twice is said once). */
export function tellOnce(line: string): void {
  if (said.has(line)) return
  said.add(line)
  if (listener) listener(line)
  else waiting.push(line)
}

/** Where the lines go from now on; the ones told before are handed over first. */
export function listenToNotices(write: (line: string) => void): void {
  listener = write
  for (const line of waiting.splice(0)) write(line)
}
