import { OAuthError } from '@tokenguard/core'
import * as client from 'openid-client'
import { safeCause, upstreamErrorCode, upstreamFailure } from '../shared/upstream-failure.js'
import type { DeviceTokens } from './device-login.js'

/**
 * Trades the refresh token a CLI kept (from {@link deviceLogin}) for fresh tokens, through
 * openid-client. Save the answer's `refreshToken` at once: the server may have rotated it, and
 * the old one then no longer works. Rejects with a 401 `OAuthError` (reason `session_ended`)
 * when the server refuses the refresh token (`invalid_grant`: log in again), a 503 otherwise.
 *
 * @example
 * const tokens = await refreshStoredTokens(server, saved.refreshToken)
 * await save({ refreshToken: tokens.refreshToken ?? saved.refreshToken })
 */
export async function refreshStoredTokens(
  server: client.Configuration,
  refreshToken: string,
): Promise<DeviceTokens> {
  try {
    const tokens = await client.refreshTokenGrant(server, refreshToken)
    return {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token ?? refreshToken,
      idToken: tokens.id_token,
      expiresAt: Date.now() + (tokens.expiresIn() ?? 60) * 1000,
      scope: tokens.scope,
    }
  } catch (error) {
    if (upstreamErrorCode(error) === 'invalid_grant') {
      throw OAuthError.invalidToken(
        'session_ended',
        'The saved login is no longer valid; log in again',
        {
          cause: safeCause(error),
        },
      )
    }
    throw await upstreamFailure(error)
  }
}

/**
 * Revokes a kept refresh token (RFC 7009) through openid-client, when the server has a
 * revocation endpoint: what a CLI's `logout` does before it deletes its file.
 */
export async function revokeStoredToken(
  server: client.Configuration,
  refreshToken: string,
): Promise<void> {
  if (server.serverMetadata().revocation_endpoint === undefined) return
  try {
    await client.tokenRevocation(server, refreshToken, { token_type_hint: 'refresh_token' })
  } catch (error) {
    throw await upstreamFailure(error)
  }
}
