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
  const pending: unknown[] = [value]
  let visited = 0
  while (pending.length > 0 && visited < MAX_NODES) {
    const current = pending.pop()
    if (current === null || typeof current !== 'object') continue
    visited++
    Object.freeze(current)
    for (const child of Object.values(current)) {
      if (child !== null && typeof child === 'object') pending.push(child)
    }
  }
  return value
}
