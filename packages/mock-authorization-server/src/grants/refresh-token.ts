import { mintTokens } from './mint-tokens.js'
import { isScope, scopeTokens, scopeWithin } from './scope.js'
import { tokenError } from './token-answer.js'
import type { TokenAnswer } from './token-answer.js'
import type { GrantRequest, GrantState } from './grant-request.js'

const UNUSABLE = 'the refresh token is unknown, expired or revoked'

/**
 * The refresh token grant (RFC 6749 §6) with rotation: each use returns a new refresh
 * token and retires the old one. Using a retired one again is a replay: the whole family
 * (every token of the grant, however many rotations came before) is revoked (RFC 9700
 * §4.14.2). A narrower `scope` narrows the
 * access token only; the new refresh token keeps the grant's scope.
 */
export function refreshTokenGrant(
  state: GrantState,
  { client, params, format, nowMs }: GrantRequest,
): Promise<TokenAnswer> | TokenAnswer {
  const token = params.get('refresh_token')
  if (token === undefined) {
    return tokenError('invalid_request', 'the refresh_token parameter is required')
  }
  const record = state.mint.refreshTokens.get(token, nowMs)
  if (record === undefined || record.expiresAtMs <= nowMs)
    return tokenError('invalid_grant', UNUSABLE)
  const { grant } = record
  if (grant.clientId !== client.client_id) {
    return tokenError('invalid_grant', 'the refresh token was issued to another client')
  }
  if (state.mint.issuer.isGrantRevoked(grant.id)) return tokenError('invalid_grant', UNUSABLE)
  if (record.used) {
    state.mint.issuer.revokeGrant(grant.id)
    return tokenError('invalid_grant', 'the refresh token was already used; its grant is revoked')
  }
  const requested = params.get('scope')
  if (requested !== undefined && !(isScope(requested) && scopeWithin(requested, grant.scope))) {
    return tokenError('invalid_scope', 'the scope exceeds the one originally granted')
  }
  record.used = true
  // The old token now introspects as inactive, and stays known for replay detection.
  state.mint.issuer.retire(token)
  const scope = requested === undefined ? grant.scope : scopeTokens(requested).join(' ')
  return mintTokens(state.mint, { grant, scope, format, refresh: true })
}
