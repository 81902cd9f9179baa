import type { IncomingMessage, ServerResponse } from 'node:http'
import type { IntrospectionResponse } from '../tokens/introspection-response.js'
import type { ClientAuthResult, ClientRequest } from '../clients/authenticate-client.js'
import type { ClientRegistry } from '../clients/client-registry.js'
import type { RevokeOptions } from '../tokens/token-store.js'
import { readForm } from '../server/read-form.js'
import { respond } from '../server/respond.js'

/** What the introspection and revocation endpoints read from their issuer. */
export interface TokenEndpointSource {
  readonly clients: ClientRegistry
  introspect(token: string): IntrospectionResponse
  revoke(token: string, options?: RevokeOptions): void
  /** Clock, in milliseconds. */
  now(): number
}

/** One request to `/introspect` or `/revoke`, with what it is checked against. */
export interface TokenRequestContext {
  readonly endpoint: 'introspect' | 'revoke'
  readonly source: TokenEndpointSource
  /** Authenticates the client; assertions may name the issuer or this endpoint's URL. */
  authenticate(request: ClientRequest): Promise<ClientAuthResult>
}

const NO_STORE = { 'Cache-Control': 'no-store' }

/**
 * Answers an introspection (RFC 7662 §2) or revocation (RFC 7009 §2) request: reads the
 * form, authenticates the client, then answers the token's state or revokes it. Error
 * answers carry fixed descriptions, never a token or a credential.
 */
export async function answerTokenRequest(
  req: IncomingMessage,
  res: ServerResponse,
  context: TokenRequestContext,
): Promise<void> {
  try {
    const form = await readForm(req)
    if (!form.ok) return invalidRequest(req, res, form.status, form.description)
    const auth = await context.authenticate({
      authorization: req.headers.authorization,
      params: form.params,
    })
    if (!auth.ok) return respond(req, res, auth.status, auth.body, auth.headers)
    const token = form.params.get('token')
    if (token === undefined || token === '') {
      return invalidRequest(req, res, 400, 'the token parameter is required')
    }
    if (context.endpoint === 'introspect') {
      return respond(req, res, 200, context.source.introspect(token), NO_STORE)
    }
    // RFC 7009 §2.1: only the client the token was issued to may revoke it; any other gets
    // the answer for an unknown token (§2.2: 200, empty body) and the token stays active.
    context.source.revoke(token, { clientId: auth.clientId })
    res.writeHead(200, { ...NO_STORE, 'Content-Length': 0 })
    res.end()
  } catch {
    // The client went away mid-body, or the issuer failed: answer if anyone still listens.
    if (!res.headersSent && !res.destroyed) {
      respond(req, res, 500, { error: 'server_error' })
    }
  }
}

function invalidRequest(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  description: string,
): void {
  respond(req, res, status, { error: 'invalid_request', error_description: description })
}
