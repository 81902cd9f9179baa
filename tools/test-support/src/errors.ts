import { inspect } from 'node:util'
import { expect } from 'vitest'

/** A built-in error class a configuration check throws. */
export type ErrorClass = TypeErrorConstructor | RangeErrorConstructor | ErrorConstructor

/**
 * What `toThrow` / `rejects.toThrow` should see: an error of `kind` whose message contains
 * `message` (a string) or matches it (a RegExp). Vitest's `toThrow('text')` checks only the
 * message, so a configuration test that must also prove the class says
 * `toThrow(errorLike(TypeError, 'text'))`.
 *
 * @example
 * expect(() => createJwtVerifier({})).toThrow(errorLike(TypeError, /issuer is required/))
 */
export function errorLike(kind: ErrorClass, message: string | RegExp): Error {
  const text: unknown =
    typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message)
  // An asymmetric matcher stands where toThrow expects an Error; vitest compares it structurally.
  return expect.objectContaining({ name: kind.name, message: text }) as Error
}

/**
 * Everything an error carries, as text to search for secrets: `util.inspect` with hidden
 * fields and causes, its JSON (or `[unserializable]`), and `String(error)`.
 */
export function errorText(error: unknown): string {
  let json = ''
  try {
    json = JSON.stringify(error) ?? ''
  } catch {
    json = '[unserializable]'
  }
  return [inspect(error, { depth: 10, showHidden: true }), json, String(error)].join('\n')
}
