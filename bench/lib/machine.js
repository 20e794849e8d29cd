/** What the numbers were measured on: written above the table and into bench/results. */
const {execFileSync} = require('node:child_process')
const {cpus, loadavg} = require('node:os')

const {AWS} = require('./paths')

function version(command, args) {
  try {
    return execFileSync(command, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']})
      .trim()
      .split('\n')[0]
  } catch {
    return 'not found'
  }
}

function machine() {
  return {
    aws: version(AWS, ['--version']),
    cpu: cpus()[0]?.model ?? 'unknown',
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    node: process.version,
    nproc: cpus().length,
  }
}

function describeMachine(m) {
  return `${m.date}; ${m.nproc} x ${m.cpu}; node ${m.node}; ${m.aws}; load average ${m.load}`
}

module.exports = {describeMachine, machine}
