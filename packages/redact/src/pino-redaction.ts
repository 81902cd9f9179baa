import { isHttp } from './internal/http-summary.js'
import { redactExcept } from './internal/split-redact.js'
import { createPinoHooks, type PinoHooks } from './pino-hooks.js'
import { createPinoSerializers, type PinoSerializers } from './pino-serializers.js'
import { getDefaultRedactor, type Redactor } from './redactor.js'

/** pino options that redact everything a logger writes; spread them into `pino()`. */
export interface PinoRedaction {
  readonly serializers: PinoSerializers
  readonly hooks: PinoHooks
  readonly formatters: {
    /** Redacts the bindings of child loggers (`logger.child({ ... })`). */
    readonly bindings: (bindings: Record<string, unknown>) => Record<string, unknown>
  }
}

/**
 * Everything pino needs to keep tokens out of its lines, with one redactor: the
 * {@link createPinoSerializers} for `req`, `res` and `err`, the {@link createPinoHooks} for
 * log calls and finished lines, and a `bindings` formatter for child loggers. Give the same
 * serializers to pino-http, which replaces the logger's otherwise.
 *
 * @param redactor - Default: the shared `createRedactor()`.
 * @example
 * const redaction = createPinoRedaction()
 * const logger = pino({ ...redaction, level: 'info' })
 * app.use(pinoHttp({ logger, serializers: redaction.serializers }))
 */
export function createPinoRedaction(redactor: Redactor = getDefaultRedactor()): PinoRedaction {
  return Object.freeze({
    serializers: createPinoSerializers(redactor),
    hooks: createPinoHooks(redactor),
    formatters: Object.freeze({
      // Requests and responses (pino-http binds `req`) are left to the serializers.
      bindings: (bindings: Record<string, unknown>) =>
        redactExcept(redactor, bindings, (_key, value) => isHttp(value)) as Record<string, unknown>,
    }),
  })
}
