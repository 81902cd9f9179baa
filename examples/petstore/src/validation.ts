/**
 * A request body that failed validation. Answered 400 with
 * `{ "error": "invalid_body", "error_description": ..., "field": ... }`; the description
 * names the rule, never the value that was sent.
 */
export class ValidationError extends Error {
  override readonly name = 'ValidationError'
  readonly status = 400
  /** The offending field, or `undefined` when the body as a whole is wrong. */
  readonly field: string | undefined

  constructor(field: string | undefined, message: string) {
    super(message)
    this.field = field
  }
}

// Control characters (line breaks included) in a stored string end up in logs and
// terminals; nothing in a pet's name needs them.
const CONTROL = /\p{Cc}/u

/**
 * Checks that `body` is a JSON object whose fields are all in `allowed`, and returns it.
 * An unknown field is refused rather than ignored, so a typo (`nmae`) or an attempt to set
 * a server-owned field (`id`, `adopter`) is a clear 400 instead of a silent no-op.
 *
 * @example
 * const fields = readObject(req.body, ['name', 'tag'])
 */
export function readObject(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError(undefined, 'The body must be a JSON object')
  }
  // Object.keys lists an own "__proto__" from JSON.parse, so it is refused like any other.
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      const field = key.length > 64 ? `${key.slice(0, 64)}...` : key
      throw new ValidationError(field, `Unknown field; allowed fields: ${allowed.join(', ')}`)
    }
  }
  return body as Record<string, unknown>
}

/**
 * Reads a required string field of 1 to `maxLength` characters without control characters.
 *
 * @example
 * const name = readString(fields, 'name', 64)
 */
export function readString(
  fields: Record<string, unknown>,
  name: string,
  maxLength: number,
): string {
  const value = fields[name]
  if (value === undefined) throw new ValidationError(name, `${name} is required`)
  if (typeof value !== 'string') throw new ValidationError(name, `${name} must be a string`)
  if (value.length === 0 || value.length > maxLength) {
    throw new ValidationError(name, `${name} must be 1 to ${maxLength} characters long`)
  }
  if (CONTROL.test(value)) {
    throw new ValidationError(name, `${name} must not contain control characters`)
  }
  return value
}

/**
 * Like {@link readString}, but the field may be absent: then `undefined`.
 *
 * @example
 * const tag = readOptionalString(fields, 'tag', 32)
 */
export function readOptionalString(
  fields: Record<string, unknown>,
  name: string,
  maxLength: number,
): string | undefined {
  return fields[name] === undefined ? undefined : readString(fields, name, maxLength)
}

/**
 * Reads a required positive integer field, such as an id.
 *
 * @example
 * const petId = readId(fields, 'petId')
 */
export function readId(fields: Record<string, unknown>, name: string): number {
  const value = fields[name]
  if (value === undefined) throw new ValidationError(name, `${name} is required`)
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(name, `${name} must be a positive integer`)
  }
  return value
}
