import type { IncomingMessage, ServerResponse } from 'node:http'
import { respond } from '@tokenguard/test-tokens/internal'
import type { RouteContext } from '@tokenguard/test-tokens/internal'
import type { AuthorizationServerClient } from '../clients/authorization-server-client.js'
import { NO_STORE, readClientForm } from '../clients/client-form.js'
import { clientMay } from '../grants/grant-request.js'
import type { GrantServer } from '../grants/grant-server.js'
import { grantScope } from '../grants/scope.js'
import { serverError } from './token-endpoint.js'

/**
 * Answers `POST /device_authorization` (RFC 8628 §3.1, §3.2): the device code, the user code,
 * where the user approves, how long it lasts and how often to poll.
 */
export async function answerDeviceAuthorization(
  req: IncomingMessage,
  res: ServerResponse,
  server: GrantServer,
  context: RouteContext,
  verificationUri: string,
): Promise<void> {
  try {
    const form = await readClientForm(req, res, context, server.clients)
    if (form === undefined) return
    const problem = deviceProblem(form.client, form.params)
    if (typeof problem !== 'string') {
      return respond(req, res, 400, problem, NO_STORE)
    }
    const started = server.startDevice(form.client, problem)
    respond(
      req,
      res,
      200,
      {
        device_code: started.deviceCode,
        user_code: started.userCode,
        verification_uri: verificationUri,
        verification_uri_complete: `${verificationUri}?user_code=${started.userCode}`,
        expires_in: server.settings.deviceCodeExpiresInSec,
        interval: started.record.intervalSec,
      },
      NO_STORE,
    )
  } catch {
    serverError(req, res)
  }
}

// The granted scope, or the error body to answer.
function deviceProblem(
  client: AuthorizationServerClient,
  params: ReadonlyMap<string, string>,
): string | { error: string; error_description: string } {
  if (!clientMay(client, 'urn:ietf:params:oauth:grant-type:device_code')) {
    return {
      error: 'unauthorized_client',
      error_description: 'the client may not use the device authorization grant',
    }
  }
  const scope = grantScope(params.get('scope'), client.scope)
  return scope ?? { error: 'invalid_scope', error_description: 'the scope is not allowed' }
}
