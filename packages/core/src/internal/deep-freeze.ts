// A JSON value from a token of at most 16 KiB has far fewer nodes; the bound only stops
// a cyclic or absurd value handed in by a caller from looping.
const MAX_NODES = 100_000

/**
 * Freezes a JSON value and everything inside it, iteratively so that a deeply nested
 * (hostile) value cannot overflow the stack. An object that is already frozen is still
 * walked: `Object.freeze` is shallow, so its children may not be. Walks at most 100000
 * objects, so a cycle ends the walk instead of looping.
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value
  // Most claims are flat: the walk's list is only made once a nested object turns up.
  let pending: object[] | undefined
  let current: object | undefined = value
  let visited = 0
  while (current !== undefined && visited < MAX_NODES) {
    visited++
    Object.freeze(current)
    if (Array.isArray(current)) {
      for (const child of current as unknown[]) {
        if (child !== null && typeof child === 'object') (pending ??= []).push(child)
      }
    } else {
      for (const key in current) {
        if (!Object.hasOwn(current, key)) continue
        const child: unknown = (current as Record<string, unknown>)[key]
        if (child !== null && typeof child === 'object') (pending ??= []).push(child)
      }
    }
    current = pending?.pop()
  }
  return value
}
