/**
 * The bundle's entry (dist/mfbatch.js, made by `npm run build`): oclif, every command, the help class and the
 * hooks in one file, which package.json's `oclif` section names for each of them.
 */
export {COMMANDS} from './commands/index'
export {default as Help} from './help'
export {default as commandNotFound} from './hooks/command-not-found'
export {execute} from '@oclif/core'
