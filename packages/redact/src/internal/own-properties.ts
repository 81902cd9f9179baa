/**
 * Writes an own, enumerable data property: a `__proto__` key (from JSON.parse) stays data and
 * never becomes a prototype.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    })
  } else target[key] = value
}

/**
 * Writes a non-enumerable data property, as `message`, `stack` and `cause` are on errors. The
 * descriptor is a literal: one built by spreading is several times slower to define.
 */
export function defineHidden(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: false,
    writable: true,
    configurable: true,
  })
}
