/**
 * oclif renders every string of a help page as an ejs template, compiling each one (`new Function`) on every
 * `--help`: most of the time of `mfbatch status --help` (bench/README.md, B1). Nearly all of mfbatch's strings are
 * plain text or use only `<%= config.bin %>` and `<%= command.id %>`; this renders those directly, with the same
 * values ejs would give, and hands anything else to oclif's own renderer.
 */
export type Render = (template: string) => string

interface Context {
  command?: {id?: string}
  config: {bin: string}
}

const TAG = /<%=\s*(config\.bin|command\.id)\s*%>/g

/** ejs's `<%=` escapes HTML; a value that would need it goes to ejs, so the output stays what ejs makes. */
const NEEDS_ESCAPE = /[&<>"']/

export function fastRender(context: Context, ejsRender: Render): Render {
  return (template) => {
    if (!template.includes('<%')) return template
    let escapes = false
    const out = template.replaceAll(TAG, (_, name: string) => {
      const value = name === 'config.bin' ? context.config.bin : (context.command?.id ?? '')
      if (NEEDS_ESCAPE.test(value)) escapes = true
      return value
    })
    return escapes || out.includes('<%') ? ejsRender(template) : out
  }
}
