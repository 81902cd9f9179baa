import { DEFAULT_TEST_CLIENT } from './test-client.js'
import type { AssertionContext } from './verify-client-assertion.js'
import { JWT_BEARER_ASSERTION, verifyClientAssertion } from './verify-client-assertion.js'
import { parseBasic } from './parse-basic.js'
import { secretsEqual } from './secrets-equal.js'

/** The parts of a request that carry client credentials. */
export interface ClientRequest {
  readonly authorization: string | undefined
  readonly params: ReadonlyMap<string, string>
}

/** The authenticated client, or the error answer (RFC 6749 §5.2) to send instead. */
export type ClientAuthResult =
  | { readonly ok: true; readonly clientId: string }
  | {
      readonly ok: false
      readonly status: 400 | 401
      readonly body: Readonly<Record<string, string>>
      readonly headers: Readonly<Record<string, string>>
    }

type Method = 'basic' | 'bearer' | 'other-scheme' | 'post' | 'jwt'

const REALM = 'realm="test-issuer"'

/**
 * Authenticates the client of a request with exactly one of `client_secret_basic`,
 * `client_secret_post`, `private_key_jwt` or a client's static bearer token (RFC 6749
 * §2.3, §3.2.1). Secrets are compared in constant time; answers never echo a credential.
 */
export async function authenticateClient(
  request: ClientRequest,
  context: AssertionContext,
): Promise<ClientAuthResult> {
  const methods = presentedMethods(request)
  const named = request.params.get('client_id')
  if (methods.length > 1) {
    // RFC 6749 §2.3: the client MUST NOT use more than one method in each request.
    return {
      ok: false,
      status: 400,
      body: {
        error: 'invalid_request',
        error_description: 'use exactly one client authentication method',
      },
      headers: {},
    }
  }
  const method = methods[0]
  const clientId = await identify(method, request, context)
  if (clientId !== undefined && (named === undefined || named === clientId)) {
    return { ok: true, clientId }
  }
  // RFC 6749 §5.2 answers 401 with a challenge for the scheme tried; RFC 9110 §15.5.2 wants
  // a challenge on every 401, so Basic is offered when no header was sent.
  const scheme = method === 'bearer' ? 'Bearer' : 'Basic'
  return {
    ok: false,
    status: 401,
    body: { error: 'invalid_client' },
    headers: { 'WWW-Authenticate': `${scheme} ${REALM}` },
  }
}

/** Whether a request carries any client credential: a header, a secret or an assertion. */
export function presentsCredentials(request: ClientRequest): boolean {
  return presentedMethods(request).length > 0
}

function presentedMethods({ authorization, params }: ClientRequest): Method[] {
  const methods: Method[] = []
  if (authorization !== undefined) {
    const scheme = splitAuthorization(authorization).scheme
    methods.push(scheme === 'basic' ? 'basic' : scheme === 'bearer' ? 'bearer' : 'other-scheme')
  }
  if (params.has('client_secret')) methods.push('post')
  if (params.has('client_assertion') || params.has('client_assertion_type')) methods.push('jwt')
  return methods
}

async function identify(
  method: Method | undefined,
  { authorization = '', params }: ClientRequest,
  context: AssertionContext,
): Promise<string | undefined> {
  const { credentials } = splitAuthorization(authorization)
  switch (method) {
    case 'basic': {
      const basic = parseBasic(credentials)
      return basic === undefined ? undefined : checkSecret(context, basic.clientId, basic.secret)
    }
    case 'post':
      return checkSecret(context, params.get('client_id') ?? '', params.get('client_secret') ?? '')
    case 'bearer':
      return context.registry.byBearerToken(credentials)?.client.client_id
    case 'jwt': {
      const assertion = params.get('client_assertion')
      if (params.get('client_assertion_type') !== JWT_BEARER_ASSERTION || assertion === undefined) {
        return undefined
      }
      return verifyClientAssertion(assertion, context)
    }
    default:
      return undefined
  }
}

// `<scheme> <credentials>`, the scheme case-insensitive (RFC 9110 §11.1).
function splitAuthorization(value: string): { scheme: string; credentials: string } {
  const match = /^\s*(\S+)(?:\s+(\S+))?\s*$/.exec(value)
  return { scheme: match?.[1]?.toLowerCase() ?? '', credentials: match?.[2] ?? '' }
}

function checkSecret(
  context: AssertionContext,
  clientId: string,
  secret: string,
): string | undefined {
  const expected = context.registry.byId(clientId)?.client.client_secret
  // Compare with something even for an unknown client, so timing does not reveal client ids.
  const holds = secretsEqual(secret, expected ?? DEFAULT_TEST_CLIENT.client_secret)
  return holds && expected !== undefined ? clientId : undefined
}
