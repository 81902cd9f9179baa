import { redactExcept } from './internal/split-redact.js'
import { redactLine } from './internal/stream-line.js'
import { getDefaultRedactor, type Redactor } from './redactor.js'

/** pino's `hooks`: `logMethod` redacts what is logged, `streamWrite` every finished line. */
export interface PinoHooks {
  /** Redacts the arguments of every log call: the message, its interpolation values, the object. */
  readonly logMethod: (
    this: object,
    args: unknown[],
    method: (...args: never[]) => void,
    level: number,
  ) => void
  /** Scans each finished JSON line for credentials, whatever produced them. */
  readonly streamWrite: (line: string) => string
}

// pino keeps its serializers under this registered symbol (pino/lib/symbols.js).
const SERIALIZERS = Symbol.for('pino.serializers')

/**
 * Hooks for pino's `hooks` option. `logMethod` redacts the log call before pino formats it:
 * free-text messages and interpolation values, errors (message, stack, cause) and the merge
 * object; a key the logger has a serializer for is left to that serializer, unless it holds
 * an Error. `streamWrite` is the net under everything else (mixins, bindings, your own
 * serializers): it runs the value patterns over the finished line, so a credential inside any
 * string value, or as a `"key":"value"` pair with a sensitive key, is replaced there. A line
 * stays one line: an overlong one is redacted as JSON (strings cut, `"truncated": true`) and
 * keeps its newline, so a request cannot glue the next line onto its own.
 *
 * @param redactor - Default: the shared `createRedactor()`.
 * @example
 * const logger = pino({ hooks: createPinoHooks(), serializers: createPinoSerializers() })
 * logger.info('retrying %s', url) // a token in url never reaches the line
 */
export function createPinoHooks(redactor: Redactor = getDefaultRedactor()): PinoHooks {
  return Object.freeze({
    logMethod(this: object, args: unknown[], method: (...args: never[]) => void): void {
      const serializers = (this as Record<symbol, unknown>)[SERIALIZERS] as
        Readonly<Record<string, unknown>> | undefined
      const redacted = args.map((arg, index) =>
        index === 0 && isMergeObject(arg)
          ? redactExcept(
              redactor,
              arg,
              (key, value) => !(value instanceof Error) && typeof serializers?.[key] === 'function',
            )
          : redactor.redact(arg),
      )
      Reflect.apply(method, this, redacted)
    },
    streamWrite: (line: string) => redactLine(redactor, line),
  })
}

function isMergeObject(value: unknown): value is object {
  return value !== null && typeof value === 'object' && !(value instanceof Error)
}
