import { getDefaultRedactor, type Redactor } from '../redactor.js'
import type { LoggerLike, RequestLoggerOptions } from '../request-logger.js'

const PACKAGE = '@tokenguard/redact'

/** The options of `requestLogger`, checked, with their defaults. */
export interface ResolvedOptions {
  logger: LoggerLike
  redactor: Redactor
  messageKey: string
  requestIdHeader: string
  echoRequestId: boolean
  headers: readonly string[]
  generateRequestId: (() => string) | undefined
  now: () => number
}

/**
 * Checks the options of `requestLogger` once, at start-up, and fills in the defaults; throws a
 * `TypeError` that says what to change.
 */
export function resolveOptions(options: RequestLoggerOptions): ResolvedOptions {
  const { logger } = options
  const isLogger =
    logger !== null &&
    typeof logger === 'object' &&
    ['info', 'warn', 'error'].every(
      (level) => typeof (logger as unknown as Record<string, unknown>)[level] === 'function',
    )
  if (!isLogger) {
    throw new TypeError(
      `${PACKAGE}: logger must have info, warn and error methods, e.g. { logger: pino() }`,
    )
  }
  const headers: readonly unknown[] = options.headers ?? []
  if (!Array.isArray(headers) || !headers.every(isNonEmptyString)) {
    throw new TypeError(`${PACKAGE}: headers must be an array of header names`)
  }
  const requestIdHeader = options.requestIdHeader ?? 'x-request-id'
  if (
    typeof requestIdHeader !== 'string' ||
    !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(requestIdHeader)
  ) {
    throw new TypeError(`${PACKAGE}: requestIdHeader must be a header name, e.g. 'x-request-id'`)
  }
  const messageKey = options.messageKey ?? 'msg'
  if (typeof messageKey !== 'string' || messageKey === '') {
    throw new TypeError(`${PACKAGE}: messageKey must be a non-empty string, e.g. 'msg'`)
  }
  for (const name of ['generateRequestId', 'now'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new TypeError(`${PACKAGE}: ${name} must be a function`)
    }
  }
  if (options.echoRequestId !== undefined && typeof options.echoRequestId !== 'boolean') {
    throw new TypeError(`${PACKAGE}: echoRequestId must be true or false`)
  }
  if (options.redactor !== undefined && typeof options.redactor?.redactString !== 'function') {
    throw new TypeError(`${PACKAGE}: redactor must come from createRedactor()`)
  }
  return {
    logger,
    redactor: options.redactor ?? getDefaultRedactor(),
    messageKey,
    requestIdHeader: requestIdHeader.toLowerCase(),
    echoRequestId: options.echoRequestId ?? true,
    headers: (headers as readonly string[]).map((name) => name.toLowerCase()),
    generateRequestId: options.generateRequestId,
    now: options.now ?? (() => performance.now()),
  }
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== ''
}
