/** The "THIS MACHINE" section of `mfbatch emulator --help`: the limit mechanism and GPUs a start would get. */
import {gpuInventory} from './gpus/inventory'
import {expectedMechanism} from './limits/detect'

export function thisMachine(env: NodeJS.ProcessEnv = process.env): string {
  const lines = ['THIS MACHINE']
  try {
    const {name, skipped} = expectedMechanism(env)
    lines.push(`  memory limits  ${name}`)
    for (const why of skipped) lines.push(`                 (not ${why})`)
  } catch (error) {
    lines.push(`  memory limits  ${(error as Error).message}`)
  }

  const gpus = gpuInventory()
  lines.push(`  GPUs           ${gpus.ids.length === 0 ? 'none (--gpus N makes some up)' : gpus.ids.join(', ')}`)
  return `${lines.join('\n')}\n`
}
