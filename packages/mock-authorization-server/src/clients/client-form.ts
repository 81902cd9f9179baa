import type { IncomingMessage, ServerResponse } from 'node:http'
import { presentsCredentials, readForm, respond } from '@tokenguard/test-tokens/internal'
import type { RouteContext } from '@tokenguard/test-tokens/internal'
import type { AuthorizationServerClient } from './authorization-server-client.js'
import type { ClientDirectory } from './client-directory.js'

/** The authenticated client of a form request, and the form's parameters. */
export interface ClientForm {
  readonly client: AuthorizationServerClient
  readonly params: ReadonlyMap<string, string>
}

/** RFC 6749 §5.1: token endpoint answers are never cached. */
export const NO_STORE: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
}

/**
 * Reads a form request and identifies its client: a public client by its `client_id` alone
 * (RFC 6749 §2.1, §3.2.1), any other as the issuer authenticates clients. On failure answers
 * the error (RFC 6749 §5.2) itself and returns `undefined`.
 */
export async function readClientForm(
  req: IncomingMessage,
  res: ServerResponse,
  context: RouteContext,
  directory: ClientDirectory,
): Promise<ClientForm | undefined> {
  const form = await readForm(req)
  if (!form.ok) {
    const body = { error: 'invalid_request', error_description: form.description }
    respond(req, res, form.status, body, NO_STORE)
    return undefined
  }
  const request = { authorization: req.headers.authorization, params: form.params }
  const named = form.params.get('client_id')
  const publicClient =
    named === undefined || presentsCredentials(request) ? undefined : directory.publicClient(named)
  if (publicClient !== undefined) return { client: publicClient, params: form.params }
  const auth = await context.authenticate(request)
  const client = auth.ok ? directory.byId(auth.clientId) : undefined
  if (!auth.ok || client === undefined) {
    const failed = auth.ok ? undefined : auth
    respond(req, res, failed?.status ?? 401, failed?.body ?? { error: 'invalid_client' }, {
      ...NO_STORE,
      ...failed?.headers,
    })
    return undefined
  }
  return { client, params: form.params }
}
