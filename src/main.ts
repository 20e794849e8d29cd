/**
 * The bundle's entry (dist/mfbatch.js, made by `npm run build`): oclif, every command, the help class and the
 * hooks in one file, which package.json's `oclif` section names for each of them. The command_not_found hook
 * ("Did you mean ...?") is oclif's plugin's, bundled rather than loaded as a plugin.
 */
export {COMMANDS} from './commands/index'
export {default as Help} from './help'
export {execute} from '@oclif/core'
export {default as notFound} from '@oclif/plugin-not-found'
