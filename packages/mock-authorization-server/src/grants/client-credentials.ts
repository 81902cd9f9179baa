import { createGrant } from './grant.js'
import { mintTokens } from './mint-tokens.js'
import { grantScope } from './scope.js'
import { tokenError } from './token-answer.js'
import type { TokenAnswer } from './token-answer.js'
import type { GrantRequest, GrantState } from './grant-request.js'

/**
 * The client credentials grant (RFC 6749 §4.4): confidential clients only, `sub` is the
 * client id (RFC 9068 §2.2), and no refresh token (§4.4.3).
 */
export function clientCredentialsGrant(
  state: GrantState,
  { client, params, format }: GrantRequest,
): Promise<TokenAnswer> | TokenAnswer {
  if (client.token_endpoint_auth_method === 'none') {
    return tokenError('unauthorized_client', 'a public client cannot use client_credentials')
  }
  const scope = grantScope(params.get('scope'), client.scope)
  if (scope === undefined) return tokenError('invalid_scope', 'the scope is not allowed')
  const grant = createGrant(client.client_id, client.client_id, scope)
  return mintTokens(state.mint, { grant, scope, format, refresh: false })
}
