/**
 * The emulator listens on 127.0.0.1:PORT; on a machine with IPv6, [::1]:PORT is another socket that any local user
 * could bind, and a client that resolves `localhost` to ::1 first (Node 17 and later, many others) would talk to
 * it. So the emulator holds [::1]:PORT too and serves it the same way. A machine without IPv6 has nothing to hold;
 * a [::1]:PORT already taken is an error that says so.
 */
import type {Server as HttpServer} from 'node:http'

import {createServer, type Server} from 'node:net'

/** Binds [::1]:`port` and hands its connections to `http`; undefined where this machine has no IPv6 loopback. */
export function holdIpv6Loopback(http: HttpServer, port: number): Promise<Server | undefined> {
  const none = {twin: undefined}
  return new Promise<{twin?: Server}>((resolve, reject) => {
    const twin = createServer((socket) => http.emit('connection', socket))
    twin.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT') resolve(none)
      else reject(error)
    })
    twin.listen({backlog: 2048, host: '::1', ipv6Only: true, port}, () => resolve({twin}))
  }).then((held) => held.twin)
}

export function closeTwin(twin: Server | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (twin) twin.close(() => resolve())
    else resolve()
  })
}
