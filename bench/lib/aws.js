/** The AWS CLI v2 pointed at an emulator (v2 ignores AWS_ENDPOINT_URL: every call gets --endpoint-url). */
const {existsSync} = require('node:fs')

const {AWS} = require('./paths')

function awsEnv(emu) {
  return {...emu.env, AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: ''}
}

function aws(emu, args, options = {}) {
  return {args: ['--endpoint-url', emu.url, ...args], command: AWS, options: {env: awsEnv(emu), ...options}}
}

/** A shell command line, run with `sh -c`, with the AWS CLI's environment. */
function shell(emu, script, options = {}) {
  return {args: ['-c', script], command: '/bin/sh', options: {env: {...awsEnv(emu), AWS, URL: emu.url}, ...options}}
}

/** jq when installed; otherwise node reads the JSON (slower to start, so the AWS CLI loop looks a little worse). */
function jsonTool() {
  if (existsSync('/usr/bin/jq')) {
    return {messages: (file) => `jq -r '.events[].message' ${file}`, token: (file) => `jq -r .nextForwardToken ${file}`}
  }

  const node = JSON.stringify(process.execPath)
  return {
    messages: (file) => `${node} -e 'for (const e of require(process.argv[1]).events) console.log(e.message)' ${file}`,
    token: (file) => `${node} -p 'require(process.argv[1]).nextForwardToken' ${file}`,
  }
}

module.exports = {aws, awsEnv, jsonTool, shell}
