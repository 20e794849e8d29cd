import {readFileSync} from 'node:fs'
import {join} from 'node:path'

/**
 * The bundle sorts oclif's command ids by code unit instead of with `localeCompare`, which costs every start the
 * building of ICU's collator (scripts/bundle.mjs). That changes nothing only while both orders agree: a command id
 * that sorts otherwise (a capital, a digit next to a colon) fails here, and the patch must then go.
 */
describe('the order of the command ids', () => {
  it('is the same by code unit as by localeCompare', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'oclif.manifest.json'), 'utf8')) as {
      commands: Record<string, unknown>
    }
    const ids = Object.keys(manifest.commands)
    expect(ids.length).toBeGreaterThan(10)
    const byLocale = [...ids].sort((a, b) => a.localeCompare(b))
    const byCodeUnit = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    expect(byCodeUnit).toEqual(byLocale)
  })
})
