/**
 * Freezes a JSON value and everything inside it, iteratively so that a deeply nested
 * (hostile) value cannot overflow the stack.
 */
export function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value]
  while (pending.length > 0) {
    const current = pending.pop()
    if (current === null || typeof current !== 'object' || Object.isFrozen(current)) continue
    Object.freeze(current)
    for (const child of Object.values(current)) pending.push(child)
  }
  return value
}
