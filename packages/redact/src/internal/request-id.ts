import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Redactor } from '../redactor.js'

// A request id a client or proxy may set: short, from a safe alphabet (UUID, ULID, trace ids).
const SANE_ID = /^[A-Za-z0-9._:@/+=-]{1,64}$/

/**
 * The request's id: `req.id` when an earlier middleware set one, else the `header` when it is
 * a short, safe token that holds no credential, else a new one.
 */
export function readRequestId(
  req: IncomingMessage,
  header: string,
  redactor: Redactor,
  generate: () => string = randomUUID,
): string {
  const { id } = req as IncomingMessage & { id?: unknown }
  if (typeof id === 'string' && isSane(id, redactor)) return id
  if (typeof id === 'number' && Number.isSafeInteger(id)) return String(id)
  const sent = req.headers[header]
  return typeof sent === 'string' && isSane(sent, redactor) ? sent : generate()
}

function isSane(id: string, redactor: Redactor): boolean {
  return SANE_ID.test(id) && redactor.redactString(id) === id
}
