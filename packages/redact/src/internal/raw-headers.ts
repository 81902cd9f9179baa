const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/

/** An even-length array of strings whose even items are header names: `req.rawHeaders`. */
export function isRawHeaders(value: readonly unknown[]): value is readonly string[] {
  if (value.length < 2 || value.length % 2 !== 0 || value.length > 512) return false
  for (let index = 0; index < value.length; index++) {
    const item = value[index]
    if (typeof item !== 'string') return false
    if (index % 2 === 0 && !HEADER_NAME.test(item)) return false
  }
  return true
}

/**
 * A `rawHeaders` array with the value after each sensitive name censored (`censor`) and every
 * item scanned (`scan`); the array itself when nothing changed.
 */
export function censorRawHeaders(
  value: readonly string[],
  censor: (name: string, item: string) => string,
  scan: (text: string) => string,
): readonly string[] {
  let changed = false
  const result = value.map((item, index) => {
    const next = index % 2 === 1 ? scan(censor(value[index - 1] ?? '', item)) : scan(item)
    if (next !== item) changed = true
    return next
  })
  return changed ? result : value
}
