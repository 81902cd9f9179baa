import type { IncomingMessage } from 'node:http'
import { type Middleware } from '@tokenguard/core'
import { checkOptionNames } from '@tokenguard/core/internal'
import { buildEntry } from './internal/request-log-entry.js'
import { readRequestId } from './internal/request-id.js'
import { resolveOptions } from './internal/request-logger-options.js'
import type { Redactor } from './redactor.js'

/** One line of {@link requestLogger}; the message is under the `messageKey` option. */
export interface RequestLogEntry {
  readonly requestId: string
  readonly method: string
  /** The path, without the query; a credential in it (a JWT segment) is redacted. */
  readonly path: string
  /** The query string without `?`, redacted: `access_token=[REDACTED]&page=2`. */
  readonly query?: string
  readonly status: number
  /** Time from the request to the end of the response, in ms, to 0.01 ms. */
  readonly durationMs: number
  /** `true` when the connection closed before the response was finished. */
  readonly aborted?: true
  /** Who called, from `req.auth`; never the token. */
  readonly auth?: {
    readonly subject?: string
    readonly clientId?: string
    readonly scopes: readonly string[]
  }
  /** The OAuth error code of the `WWW-Authenticate` challenge, such as `invalid_token`. */
  readonly error?: string
  /** The request headers named by the `headers` option, redacted. */
  readonly headers?: Readonly<Record<string, unknown>>
  readonly [messageKey: string]: unknown
}

/** Anything with `info`, `warn` and `error` that takes an object: pino, console, winston. */
export interface LoggerLike {
  info(entry: RequestLogEntry): void
  warn(entry: RequestLogEntry): void
  error(entry: RequestLogEntry): void
}

/** Options of {@link requestLogger}. */
export interface RequestLoggerOptions {
  /** Where lines go: one call per request, `error` for 5xx, `warn` for 4xx, else `info`. */
  logger: LoggerLike
  /** The redactor for the path, query and headers. Default: the shared `createRedactor()`. */
  redactor?: Redactor
  /** Key of the human-readable message: `'message'` suits winston. Default: `'msg'`. */
  messageKey?: string
  /**
   * Header that carries the request id, read from the request when it holds a short, safe
   * token, and echoed on the response. Default: `'x-request-id'`.
   */
  requestIdHeader?: string
  /** Echo the request id on the response, under `requestIdHeader`. Default: `true`. */
  echoRequestId?: boolean
  /** Request headers to log, by name, redacted. Default: none; headers are never logged. */
  headers?: readonly string[]
  /** Makes a request id when the request has none. Default: `crypto.randomUUID`. */
  generateRequestId?: () => string
  /** Clock in ms, for the duration. Default: `performance.now`. */
  now?: () => number
}

const OPTION_NAMES = [
  'logger',
  'redactor',
  'messageKey',
  'requestIdHeader',
  'echoRequestId',
  'headers',
  'generateRequestId',
  'now',
]

/**
 * Express/Connect middleware that logs one line per request when the response ends: method,
 * path and redacted query, status, duration, request id, and from `req.auth` the subject,
 * client id and scopes, never the token; with the OAuth `error` of a refusal. Headers are not
 * logged unless named. Sets `req.id` when absent, so pino-http and handlers share the id.
 * Throws a `TypeError` at start-up for a bad option.
 *
 * @example
 * app.use(requestLogger({ logger: pino() }))
 * // {"level":30,"requestId":"4f6c...","method":"GET","path":"/api/pets","query":"access_token=[REDACTED]",
 * //  "status":200,"durationMs":1.84,"auth":{"subject":"alice","scopes":["pets:read"]},"msg":"GET /api/pets 200"}
 */
export function requestLogger(options: RequestLoggerOptions): Middleware {
  checkOptionNames('@tokenguard/redact', options, OPTION_NAMES)
  const config = resolveOptions(options)
  const { logger, redactor, requestIdHeader, echoRequestId, now } = config
  return function requestLoggerMiddleware(req, res, next) {
    const start = now()
    const requestId = readRequestId(req, requestIdHeader, redactor, config.generateRequestId)
    const withId = req as IncomingMessage & { id?: unknown }
    if (withId.id === undefined) withId.id = requestId
    if (echoRequestId && !res.headersSent) res.setHeader(requestIdHeader, requestId)
    let logged = false
    const onEnd = (): void => {
      if (logged) return
      logged = true
      res.off('finish', onEnd)
      res.off('close', onEnd)
      try {
        const entry = buildEntry(config, req, res, requestId, now() - start)
        if (entry.status >= 500) logger.error(entry)
        else if (entry.status >= 400 || entry.aborted === true) logger.warn(entry)
        else logger.info(entry)
      } catch {
        // A failing logger (or a hostile request) must not fail the response, nor crash the
        // process from an event handler.
      }
    }
    res.on('finish', onEnd)
    res.on('close', onEnd)
    next()
  }
}
