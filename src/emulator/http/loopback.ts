/** Loopback addresses: the only ones the emulator listens on without --allow-remote. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host)
}
