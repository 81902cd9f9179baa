/**
 * The OAuth error of a 400 answer of the introspection endpoint (RFC 7662 §2.3, RFC 6749
 * §5.2) when that error is about the token rather than about our request: the endpoint
 * cannot or will not introspect this token, so it is no active token for this API.
 * `unsupported_token_type` (oidc-provider's answer to a JWT), `invalid_token`, and an
 * `invalid_request` whose description names the token. Returns `undefined` for anything
 * else (a client error, a malformed request of ours, no JSON object): an outage, not the
 * token's fault. Only the fixed code is returned, never the description, which is free
 * text of the server and may quote what it was sent.
 */
export function tokenErrorOf(body: unknown): TokenError | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined
  const { error, error_description: description } = body as Record<string, unknown>
  if (error === 'unsupported_token_type' || error === 'invalid_token') return error
  if (error === 'invalid_request' && typeof description === 'string') {
    // "token" as a word: "invalid token", "parameter 'token'", never "token_type_hint".
    if (description.length <= 1_024 && TOKEN_WORD.test(description)) return error
  }
  return undefined
}

/** The errors of a 400 answer that refuse the token. */
export type TokenError = 'unsupported_token_type' | 'invalid_token' | 'invalid_request'

const TOKEN_WORD = /\btoken\b/i
