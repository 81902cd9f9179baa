import { summariseHttp } from './internal/http-summary.js'
import { getDefaultRedactor, type Redactor } from './redactor.js'

/** Serializers for pino's and pino-http's `serializers` option. */
export interface PinoSerializers {
  readonly [key: string]: (value: unknown) => unknown
  /** A request: pino-http's standard object, an `IncomingMessage`, or anything else, redacted. */
  readonly req: (req: unknown) => unknown
  /** A response: pino-http's standard object, a `ServerResponse`, or anything else, redacted. */
  readonly res: (res: unknown) => unknown
  /** An error as `{ type, message, stack, ...fields, cause }`, every part redacted. */
  readonly err: (err: unknown) => unknown
}

/**
 * Serializers that redact what pino and pino-http log under `req`, `res` and `err`: the URL
 * (`?access_token=`, `?code=`), every header (`Bearer [REDACTED]`, cookie values), query and
 * body parameters, and error messages, stacks, fields and causes. Give them to pino-http too:
 * it replaces the logger's `req`, `res` and `err` serializers with its own otherwise.
 *
 * @param redactor - Default: the shared `createRedactor()`.
 * @example
 * const serializers = createPinoSerializers()
 * const logger = pino({ serializers })
 * app.use(pinoHttp({ logger, serializers }))
 */
export function createPinoSerializers(redactor: Redactor = getDefaultRedactor()): PinoSerializers {
  const http = (value: unknown): unknown =>
    redactor.redact(
      value !== null && typeof value === 'object' ? (summariseHttp(value) ?? value) : value,
    )
  return Object.freeze({
    req: http,
    res: http,
    err: (err: unknown) => serializeError(redactor.redact(err)),
  })
}

// Causes are followed this many levels; the redactor has already bounded the rest.
const MAX_CAUSES = 8

/** An Error (already redacted) as the plain object pino's standard serializer makes. */
function serializeError(value: unknown, depth = 0): unknown {
  if (!(value instanceof Error)) return value
  if (depth >= MAX_CAUSES) return '[Truncated]'
  try {
    const serialized: Record<string, unknown> = {
      type: typeof value.constructor === 'function' ? value.constructor.name : value.name,
      message: value.message,
      stack: value.stack,
    }
    for (const [key, field] of Object.entries(value)) {
      if (!Object.hasOwn(serialized, key) && key !== '__proto__') serialized[key] = field
    }
    if (value.cause !== undefined) serialized.cause = serializeError(value.cause, depth + 1)
    if (value instanceof AggregateError && Array.isArray(value.errors)) {
      serialized.aggregateErrors = (value.errors as unknown[]).map((error) =>
        serializeError(error, depth + 1),
      )
    }
    return serialized
  } catch {
    return '[Unreadable]'
  }
}
