const {join, resolve} = require('node:path')

const ROOT = resolve(__dirname, '..', '..')
/** The built CLI, as the tests run it: `node bin/run.js`. */
const RUN = join(ROOT, 'bin', 'run.js')
/** The AWS CLI v2 from Debian's awscli (the `aws` first on PATH may be v1, which has no `logs tail`). */
const AWS = '/usr/bin/aws'

module.exports = {AWS, ROOT, RUN}
