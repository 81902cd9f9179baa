import type { TokenFormat } from '../grant-type.js'
import type { OpaqueOptions } from '../opaque-options.js'
import type { SignOptions } from '../sign-options.js'
import type { ExpiringMap } from './expiring-map.js'
import type { Grant } from './grant.js'
import { rememberIssued, revokeGrant } from './grant.js'
import { tokenError } from './token-answer.js'
import type { TokenAnswer } from './token-answer.js'

/** What the issuer keeps for one refresh token (RFC 6749 §6, RFC 9700 §4.14.2). */
export interface RefreshRecord {
  readonly grant: Grant
  /** Set once the token was exchanged: using it again is a replay. */
  used: boolean
  readonly expiresAtMs: number
}

/** The issuer functions and settings tokens are minted with. */
export interface MintDeps {
  readonly sign: (claims: Record<string, unknown>, options: SignOptions) => Promise<string>
  readonly issueOpaque: (claims: Record<string, unknown>, options: OpaqueOptions) => string
  /** Revokes one token in the issuer's store (never a whole grant). */
  readonly revokeToken: (token: string) => void
  readonly now: () => number
  readonly accessExpiresInSec: number
  readonly refreshExpiresInSec: number
  readonly refreshTokens: ExpiringMap<RefreshRecord>
}

/** One token response to mint under a grant. */
export interface MintRequest {
  readonly grant: Grant
  /** Scope of the access token: the grant's, or less (RFC 6749 §6). */
  readonly scope: string
  readonly format: TokenFormat
  /** Whether to issue a refresh token too. */
  readonly refresh: boolean
  /** Set to issue an ID token (OpenID Connect Core §2) when the scope has `openid`. */
  readonly idToken?: { readonly nonce: string | undefined; readonly authTimeSec: number }
}

/**
 * Mints an access token (RFC 9068 claims: `sub`, `client_id`, `scope`, `jti`, ...), and a
 * refresh token and an ID token when asked, remembering each under the grant. When the
 * grant was revoked while minting, everything is revoked and the answer is `invalid_grant`.
 */
export async function mintTokens(deps: MintDeps, request: MintRequest): Promise<TokenAnswer> {
  const { grant, scope } = request
  const claims = { sub: grant.sub, client_id: grant.clientId, scope: scope || undefined }
  const expiresInSec = deps.accessExpiresInSec
  const refreshToken = request.refresh ? issueRefreshToken(deps, grant) : undefined
  const accessToken =
    request.format === 'opaque'
      ? deps.issueOpaque(claims, { expiresInSec })
      : await deps.sign(claims, { expiresInSec })
  rememberIssued(grant, accessToken)
  const idToken =
    request.idToken !== undefined && scope.split(' ').includes('openid')
      ? await deps.sign(
          {
            aud: grant.clientId,
            sub: grant.sub,
            client_id: undefined,
            auth_time: request.idToken.authTimeSec,
            nonce: request.idToken.nonce,
          },
          { typ: 'JWT', expiresInSec },
        )
      : undefined
  if (grant.revoked) {
    // A replay revoked the grant while these were signed: they must not leave.
    revokeGrant(grant, deps.revokeToken)
    return tokenError('invalid_grant', 'the grant was revoked')
  }
  return {
    ok: true,
    body: {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: expiresInSec,
      ...(scope === '' ? {} : { scope }),
      ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
      ...(idToken === undefined ? {} : { id_token: idToken }),
    },
  }
}

function issueRefreshToken(deps: MintDeps, grant: Grant): string {
  const expiresInSec = deps.refreshExpiresInSec
  const claims = { sub: grant.sub, client_id: grant.clientId, scope: grant.scope || undefined }
  const token = deps.issueOpaque(claims, { expiresInSec, tokenType: 'refresh_token' })
  const nowMs = deps.now()
  const expiresAtMs = nowMs + expiresInSec * 1000
  deps.refreshTokens.set(token, { grant, used: false, expiresAtMs }, expiresAtMs, nowMs)
  rememberIssued(grant, token)
  return token
}
