/**
 * Freezes a JSON value and everything inside it, iteratively so that a deeply nested
 * (hostile) value cannot overflow the stack. An object that is already frozen is still
 * walked: `Object.freeze` is shallow, so its children may not be.
 */
export function deepFreeze<T>(value: T): T {
  const seen = new WeakSet<object>()
  const pending: unknown[] = [value]
  while (pending.length > 0) {
    const current = pending.pop()
    if (current === null || typeof current !== 'object' || seen.has(current)) continue
    seen.add(current)
    Object.freeze(current)
    for (const child of Object.values(current)) pending.push(child)
  }
  return value
}
