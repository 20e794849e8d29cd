/** How the emulator runs attempts: host processes (the default: fast, no pulls) or containers of the job's image. */
export const EMULATOR_RUNTIMES = ['process', 'docker'] as const
export type EmulatorRuntime = (typeof EMULATOR_RUNTIMES)[number]

/** Chooses the runtime of the emulators `emulator start` and `--local` start (the `--runtime` flag wins). */
export const RUNTIME_ENV = 'MFBATCH_EMULATOR_RUNTIME'
