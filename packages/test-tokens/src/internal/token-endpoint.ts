import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TestClient } from '../test-client.js'
import { NO_STORE, readClientForm } from './client-form.js'
import type { GrantServer } from './grant-server.js'
import { grantScope } from './scope.js'
import { respond } from './respond.js'
import type { AssertionContext } from './verify-client-assertion.js'
import { clientMay } from './grants/grant-request.js'

/**
 * Answers `POST /token` (RFC 6749 §3.2): authenticates the client, then runs the grant.
 * Errors are RFC 6749 §5.2 JSON with fixed descriptions; every answer is `no-store`.
 */
export async function answerToken(
  req: IncomingMessage,
  res: ServerResponse,
  server: GrantServer,
  context: AssertionContext,
): Promise<void> {
  try {
    const form = await readClientForm(req, res, context)
    if (form === undefined) return
    const answer = await server.token(form.client, form.params)
    if (answer.ok) return respond(req, res, 200, answer.body, NO_STORE)
    const body = { error: answer.error, error_description: answer.description }
    respond(req, res, 400, body, NO_STORE)
  } catch {
    serverError(req, res)
  }
}

/**
 * Answers `POST /device_authorization` (RFC 8628 §3.1, §3.2): the device code, the user code,
 * where the user approves, how long it lasts and how often to poll.
 */
export async function answerDeviceAuthorization(
  req: IncomingMessage,
  res: ServerResponse,
  server: GrantServer,
  context: AssertionContext & { readonly verificationUri: string },
): Promise<void> {
  try {
    const form = await readClientForm(req, res, context)
    if (form === undefined) return
    const problem = deviceProblem(form.client, form.params)
    if (typeof problem !== 'string') {
      return respond(req, res, 400, problem, NO_STORE)
    }
    const started = server.startDevice(form.client, problem)
    const { verificationUri } = context
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
  client: TestClient,
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

function serverError(req: IncomingMessage, res: ServerResponse): void {
  // The client went away mid-body, or the issuer failed: answer if anyone still listens.
  if (!res.headersSent && !res.destroyed)
    respond(req, res, 500, { error: 'server_error' }, NO_STORE)
}
