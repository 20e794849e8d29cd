/**
 * The registry goes in front of the image only when the image names no registry of its own. Docker's rule: the
 * part before the first `/` is a registry when it has a `.` or a `:` (a host or a port), or is `localhost`.
 */
export function imageNamesRegistry(image: string): boolean {
  const slash = image.indexOf('/')
  if (slash === -1) return false
  const first = image.slice(0, slash)
  return first.includes('.') || first.includes(':') || first === 'localhost'
}

export function withRegistry(image: string, registry: string | undefined): string {
  const prefix = registry?.trim().replace(/\/+$/, '')
  if (!prefix || imageNamesRegistry(image)) return image
  return `${prefix}/${image}`
}
