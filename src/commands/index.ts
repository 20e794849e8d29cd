/**
 * Every command of mfbatch by its id, for oclif's `explicit` command discovery: the bundler sees each module, so
 * `npm run build` makes one file (dist/mfbatch.js) and oclif finds a command without scanning dist/.
 *
 * Each entry is a getter that requires its module when oclif asks for that command. With the manifest, oclif asks
 * only for the command it runs, so `mfbatch status` never initialises what `submit` or the emulator import.
 * `help` and `autocomplete` are oclif's own commands, bundled in with the rest so that no plugin loads at start;
 * the autocomplete ones by path, because their package exports no command classes.
 */
/* eslint-disable @typescript-eslint/no-require-imports, n/no-missing-require -- a require() in a getter is what
   makes each load lazy; the bundler resolves the extensionless TypeScript paths */
import type {Command} from '@oclif/core'

export const COMMANDS: Record<string, Command.Class> = {
  get autocomplete(): Command.Class {
    return require('../../node_modules/@oclif/plugin-autocomplete/lib/commands/autocomplete/index.js').default
  },
  get 'autocomplete:create'(): Command.Class {
    return require('../../node_modules/@oclif/plugin-autocomplete/lib/commands/autocomplete/create.js').default
  },
  get 'autocomplete:script'(): Command.Class {
    return require('../../node_modules/@oclif/plugin-autocomplete/lib/commands/autocomplete/script.js').default
  },
  get config(): Command.Class {
    return require('./config').default
  },
  get emulator(): Command.Class {
    return require('./emulator/index').default
  },
  get 'emulator:env'(): Command.Class {
    return require('./emulator/env').default
  },
  get 'emulator:start'(): Command.Class {
    return require('./emulator/start').default
  },
  get 'emulator:status'(): Command.Class {
    return require('./emulator/status').default
  },
  get 'emulator:stop'(): Command.Class {
    return require('./emulator/stop').default
  },
  get help(): Command.Class {
    return require('./help').default
  },
  get kill(): Command.Class {
    return require('./kill').default
  },
  get logs(): Command.Class {
    return require('./logs').default
  },
  get outputs(): Command.Class {
    return require('./outputs').default
  },
  get queues(): Command.Class {
    return require('./queues').default
  },
  get rerun(): Command.Class {
    return require('./rerun').default
  },
  get status(): Command.Class {
    return require('./status').default
  },
  get submit(): Command.Class {
    return require('./submit').default
  },
  get version(): Command.Class {
    return require('./version').default
  },
}
