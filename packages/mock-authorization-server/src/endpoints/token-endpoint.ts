import type { IncomingMessage, ServerResponse } from 'node:http'
import { respond } from '@tokenguard/test-tokens/internal'
import type { RouteContext } from '@tokenguard/test-tokens/internal'
import { NO_STORE, readClientForm } from '../clients/client-form.js'
import type { GrantServer } from '../grants/grant-server.js'

/**
 * Answers `POST /token` (RFC 6749 §3.2): authenticates the client, then runs the grant.
 * Errors are RFC 6749 §5.2 JSON with fixed descriptions; every answer is `no-store`.
 */
export async function answerToken(
  req: IncomingMessage,
  res: ServerResponse,
  server: GrantServer,
  context: RouteContext,
): Promise<void> {
  try {
    const form = await readClientForm(req, res, context, server.clients)
    if (form === undefined) return
    const answer = await server.token(form.client, form.params)
    if (answer.ok) return respond(req, res, 200, answer.body, NO_STORE)
    const body = { error: answer.error, error_description: answer.description }
    respond(req, res, 400, body, NO_STORE)
  } catch {
    serverError(req, res)
  }
}

/** Answers 500 when the client went away mid-body or the server failed, if anyone listens. */
export function serverError(req: IncomingMessage, res: ServerResponse): void {
  if (!res.headersSent && !res.destroyed) {
    respond(req, res, 500, { error: 'server_error' }, NO_STORE)
  }
}
