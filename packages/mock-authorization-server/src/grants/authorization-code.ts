import { createGrant } from './grant.js'
import { mintTokens } from './mint-tokens.js'
import { verifierMatches } from './pkce.js'
import { tokenError } from './token-answer.js'
import type { TokenAnswer } from './token-answer.js'
import { clientMay } from './grant-request.js'
import type { GrantRequest, GrantState } from './grant-request.js'

const UNUSABLE = 'the code is unknown, expired or already used'

/**
 * The authorization code grant (RFC 6749 §4.1.3) with PKCE (RFC 7636 §4.6). A code is
 * used up by its first exchange attempt, right or wrong; a second attempt revokes every
 * token the first one got (RFC 6749 §4.1.2). Checks and state changes happen before any
 * `await`, so two concurrent exchanges cannot both succeed.
 */
export function authorizationCodeGrant(
  state: GrantState,
  { client, params, format, nowMs }: GrantRequest,
): Promise<TokenAnswer> | TokenAnswer {
  const code = params.get('code')
  if (code === undefined) return tokenError('invalid_request', 'the code parameter is required')
  const record = state.codes.find(code, nowMs)
  if (record === undefined) return tokenError('invalid_grant', UNUSABLE)
  if (record.used) {
    if (record.grant !== undefined) state.mint.issuer.revokeGrant(record.grant.id)
    return tokenError('invalid_grant', UNUSABLE)
  }
  record.used = true
  if (record.expiresAtMs <= nowMs) return tokenError('invalid_grant', UNUSABLE)
  if (record.clientId !== client.client_id) {
    return tokenError('invalid_grant', 'the code was issued to another client')
  }
  // RFC 6749 §4.1.3: identical to the authorization request's, when that named one.
  const redirectUri = params.get('redirect_uri')
  const redirectHolds = record.redirectUriGiven
    ? redirectUri === record.redirectUri
    : redirectUri === undefined || redirectUri === record.redirectUri
  if (!redirectHolds) {
    return tokenError('invalid_grant', 'redirect_uri differs from the authorization request')
  }
  if (!verifierMatches(params.get('code_verifier'), record.challenge)) {
    return tokenError('invalid_grant', 'the code_verifier does not match the code_challenge')
  }
  const grant = createGrant(client.client_id, record.sub, record.scope)
  record.grant = grant
  return mintTokens(state.mint, {
    grant,
    scope: record.scope,
    format,
    refresh: clientMay(client, 'refresh_token'),
    idToken: { nonce: record.nonce, authTimeSec: record.authTimeSec },
  })
}
