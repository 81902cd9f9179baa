import type { AuthorizationServerClient } from '../clients/authorization-server-client.js'
import type { ClientDirectory } from '../clients/client-directory.js'
import { clientMay } from '../grants/grant-request.js'
import { challengeProblem } from '../grants/pkce.js'
import { grantScope } from '../grants/scope.js'

/** A valid authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3). */
export interface AuthorizationRequest {
  readonly client: AuthorizationServerClient
  /** Where the answer goes: the request's `redirect_uri`, or the client's only one. */
  readonly redirectUri: string
  readonly redirectUriGiven: boolean
  readonly scope: string
  readonly state: string | undefined
  readonly challenge: string
  readonly nonce: string | undefined
}

/**
 * The outcome of reading an authorization request: valid; an error to redirect to the
 * client (RFC 6749 §4.1.2.1); or, while the client or its redirect URI is in doubt, an
 * error to show the user, never redirected.
 */
export type ParsedAuthorization =
  | { readonly kind: 'valid'; readonly request: AuthorizationRequest }
  | { readonly kind: 'show'; readonly message: string }
  | {
      readonly kind: 'redirect'
      readonly redirectUri: string
      readonly state: string | undefined
      readonly error: string
      readonly description: string
    }

/** The parameters of an authorization request, carried through the consent form. */
export const AUTHORIZATION_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'nonce',
] as const

const MAX_NONCE_LENGTH = 512

/** Reads and checks an authorization request, in the order RFC 6749 §4.1.2.1 asks for. */
export function parseAuthorizationRequest(
  params: URLSearchParams,
  clients: ClientDirectory,
): ParsedAuthorization {
  const repeated = AUTHORIZATION_PARAMS.filter((name) => params.getAll(name).length > 1)
  if (repeated.includes('client_id') || repeated.includes('redirect_uri')) {
    return show('client_id and redirect_uri must not repeat')
  }
  const clientId = params.get('client_id')
  if (clientId === null) return show('the client_id parameter is required')
  const client = clients.byId(clientId)
  if (client === undefined) return show('the client is not registered')
  const registered = client.redirect_uris ?? []
  const given = params.get('redirect_uri')
  // RFC 9700 §4.1.3: exact string match; no redirect anywhere else, not even for errors.
  if (given !== null && !registered.includes(given)) {
    return show('the redirect_uri is not registered for this client')
  }
  const redirectUri = given ?? (registered.length === 1 ? registered[0] : undefined)
  if (redirectUri === undefined) {
    return show('the redirect_uri parameter is required for this client')
  }
  const state = params.get('state') ?? undefined
  const fail = (error: string, description: string): ParsedAuthorization => ({
    kind: 'redirect',
    redirectUri,
    state: repeated.includes('state') ? undefined : state,
    error,
    description,
  })
  if (repeated.length > 0) return fail('invalid_request', 'parameters must not repeat')
  const responseType = params.get('response_type')
  if (responseType === null) return fail('invalid_request', 'response_type is required')
  if (responseType !== 'code') {
    return fail('unsupported_response_type', 'only response_type=code is supported')
  }
  if (!clientMay(client, 'authorization_code')) {
    return fail('unauthorized_client', 'the client may not use the authorization_code grant')
  }
  const challenge = params.get('code_challenge') ?? undefined
  const pkce = challengeProblem(challenge, params.get('code_challenge_method') ?? undefined)
  if (pkce !== undefined || challenge === undefined) {
    return fail('invalid_request', pkce ?? 'code_challenge is required')
  }
  const scope = grantScope(params.get('scope') ?? undefined, client.scope)
  if (scope === undefined) return fail('invalid_scope', 'the scope is not allowed')
  const nonce = params.get('nonce') ?? undefined
  if (nonce !== undefined && nonce.length > MAX_NONCE_LENGTH) {
    return fail('invalid_request', `nonce must be at most ${MAX_NONCE_LENGTH} characters`)
  }
  return {
    kind: 'valid',
    request: {
      client,
      redirectUri,
      redirectUriGiven: given !== null,
      scope,
      state,
      challenge,
      nonce,
    },
  }
}

function show(message: string): ParsedAuthorization {
  return { kind: 'show', message }
}
