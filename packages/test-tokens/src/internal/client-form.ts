import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TestClient } from '../test-client.js'
import { authenticateClient } from './authenticate-client.js'
import type { AssertionContext } from './verify-client-assertion.js'
import { readForm } from './read-form.js'
import { respond } from './respond.js'

/** The authenticated client of a form request, and the form's parameters. */
export interface ClientForm {
  readonly client: TestClient
  readonly params: ReadonlyMap<string, string>
}

/** RFC 6749 §5.1: token endpoint answers are never cached. */
export const NO_STORE: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
}

/**
 * Reads a form request and authenticates its client (public clients by `client_id`); on
 * failure answers the error (RFC 6749 §5.2) itself and returns `undefined`.
 */
export async function readClientForm(
  req: IncomingMessage,
  res: ServerResponse,
  context: AssertionContext,
): Promise<ClientForm | undefined> {
  const form = await readForm(req)
  if (!form.ok) {
    const body = { error: 'invalid_request', error_description: form.description }
    respond(req, res, form.status, body, NO_STORE)
    return undefined
  }
  const auth = await authenticateClient(
    { authorization: req.headers.authorization, params: form.params },
    context,
    { allowPublic: true },
  )
  const client = auth.ok ? context.registry.byId(auth.clientId)?.client : undefined
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
