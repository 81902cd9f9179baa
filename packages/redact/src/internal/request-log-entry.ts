import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Redactor } from '../redactor.js'
import type { RequestLogEntry } from '../request-logger.js'
import type { ResolvedOptions } from './request-logger-options.js'

// RFC 6750 §3: the error code in the challenge, e.g. error="invalid_token".
const CHALLENGE_ERROR = /(?:^|[\s,])error="([\x20-\x21\x23-\x5b\x5d-\x7e]{1,64})"/
const MAX_SCOPES = 64

/** The line of one finished request: what it asked, what it got, and who asked. */
export function buildEntry(
  config: ResolvedOptions,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  elapsedMs: number,
): RequestLogEntry {
  const { redactor } = config
  const { originalUrl } = req as IncomingMessage & { originalUrl?: unknown }
  const url = typeof originalUrl === 'string' ? originalUrl : (req.url ?? '')
  const mark = url.indexOf('?')
  const path = redactor.redactString(mark === -1 ? url : url.slice(0, mark))
  const method = req.method ?? 'GET'
  const status = res.statusCode
  const aborted = !res.writableFinished
  const entry: Record<string, unknown> = {
    requestId,
    method,
    path,
    status,
    durationMs: Math.round(elapsedMs * 100) / 100,
  }
  if (mark !== -1) entry.query = redactor.redactString(url.slice(mark + 1))
  if (aborted) entry.aborted = true
  const auth = readAuth(req)
  if (auth !== undefined) entry.auth = auth
  const error = readChallengeError(res)
  if (error !== undefined) entry.error = error
  if (config.headers.length > 0) entry.headers = readHeaders(req, config.headers, redactor)
  entry[config.messageKey] = `${method} ${path} ${status}${aborted ? ' aborted' : ''}`
  return entry as RequestLogEntry
}

function readAuth(req: IncomingMessage): RequestLogEntry['auth'] {
  const { auth } = req as IncomingMessage & { auth?: unknown }
  if (auth === null || typeof auth !== 'object') return undefined
  const { subject, clientId, scopes } = auth as Record<string, unknown>
  const summary: { subject?: string; clientId?: string; scopes: string[] } = {
    ...(typeof subject === 'string' ? { subject } : {}),
    ...(typeof clientId === 'string' ? { clientId } : {}),
    scopes: Array.isArray(scopes)
      ? scopes.filter((scope): scope is string => typeof scope === 'string').slice(0, MAX_SCOPES)
      : [],
  }
  return summary
}

function readChallengeError(res: ServerResponse): string | undefined {
  const header = res.getHeader('www-authenticate')
  const value = Array.isArray(header) ? header.join(', ') : header
  return typeof value === 'string' ? CHALLENGE_ERROR.exec(value)?.[1] : undefined
}

function readHeaders(
  req: IncomingMessage,
  names: readonly string[],
  redactor: Redactor,
): Record<string, unknown> {
  const picked: Record<string, unknown> = {}
  for (const name of names) {
    const value = req.headers[name]
    if (value !== undefined) picked[name] = value
  }
  return redactor.redact(picked) as Record<string, unknown>
}
