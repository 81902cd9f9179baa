import type { IncomingMessage, ServerResponse } from 'node:http'
import { respond } from './respond.js'

/**
 * A failure injected into one endpoint of a running issuer, for outage tests:
 * `{ status }` answers that status with a small JSON error body, `{ delayMs }` answers
 * normally after a delay (latency), `{ body }` answers 200 with that text as
 * `application/json`, and `{ hang: true }` never answers (until `close()`). `status` and
 * `body` may be combined, and `retryAfterSec` adds a `Retry-After` header to a status fault
 * (a 429 or 503 that tells clients when to come back). On `introspect` and `revoke`, a status, body or hang fault
 * answers before the request is read: no client is authenticated and nothing is revoked.
 */
export type Fault =
  | { readonly status: number; readonly body?: string; readonly retryAfterSec?: number }
  | { readonly delayMs: number }
  | { readonly body: string; readonly status?: number }
  | { readonly hang: true }

/**
 * An endpoint of the running issuer that can be given a {@link Fault}. `'discovery'` covers
 * both well-known paths.
 */
export type FaultEndpoint = 'jwks' | 'discovery' | 'introspect' | 'revoke'

/**
 * Answers a request to a faulty endpoint with the fault's status or body, or calls
 * `healthy` when the fault changes neither (none, or only a delay).
 */
export function answerWith(
  fault: Fault | undefined,
  healthy: () => void,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const status = fault !== undefined && 'status' in fault ? fault.status : undefined
  const body = fault !== undefined && 'body' in fault ? fault.body : undefined
  const retryAfterSec =
    fault !== undefined && 'retryAfterSec' in fault ? fault.retryAfterSec : undefined
  const headers: Record<string, string> =
    retryAfterSec === undefined ? {} : { 'Retry-After': String(retryAfterSec) }
  if (body !== undefined) return respond(req, res, status ?? 200, body, headers)
  if (status === undefined) return healthy()
  respond(
    req,
    res,
    status,
    { error: 'server_error', error_description: 'Fault injected by the test issuer' },
    headers,
  )
}

/** Returns a copy of `fault`, or throws a TypeError when it is not a valid {@link Fault}. */
export function checkFault(fault: Fault): Fault {
  const { status, delayMs, body, hang, retryAfterSec } = fault as Partial<Record<string, unknown>>
  const checks = [
    retryAfterSec === undefined ||
      (Number.isInteger(retryAfterSec) &&
        inRange(retryAfterSec, 0, 86_400) &&
        status !== undefined),
    status === undefined || (Number.isInteger(status) && inRange(status, 200, 599)),
    delayMs === undefined || (Number.isFinite(delayMs) && inRange(delayMs, 0, 600_000)),
    body === undefined || typeof body === 'string',
    hang === undefined || hang === true,
    [status, delayMs, body, hang].some((field) => field !== undefined),
  ]
  if (checks.includes(false)) {
    throw new TypeError(
      '@tokenguard/test-tokens: a fault is { status: 200-599 }, { delayMs: 0-600000 }, ' +
        '{ body: string } or { hang: true }; retryAfterSec (0-86400) goes with a status',
    )
  }
  return { ...fault }
}

function inRange(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && value >= min && value <= max
}
