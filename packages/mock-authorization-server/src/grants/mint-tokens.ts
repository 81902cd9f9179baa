import type { IssuerInternals } from '@tokenguard/test-tokens/internal'
import type { ExpiringMap } from '../stores/expiring-map.js'
import type { Grant } from './grant.js'
import type { TokenFormat } from './grant-type.js'
import { tokenError } from './token-answer.js'
import type { TokenAnswer } from './token-answer.js'

/** What the server keeps for one refresh token (RFC 6749 §6, RFC 9700 §4.14.2). */
export interface RefreshRecord {
  readonly grant: Grant
  /** Set once the token was exchanged: using it again is a replay. */
  used: boolean
  readonly expiresAtMs: number
}

/** The issuer functions and settings tokens are minted with. */
export interface MintDeps {
  /** The test issuer's grant-aware minting, revocation and clock. */
  readonly issuer: Pick<
    IssuerInternals,
    'signInGrant' | 'issueOpaqueInGrant' | 'retire' | 'revokeGrant' | 'isGrantRevoked' | 'now'
  >
  /** The issuer's public `sign`, for ID tokens (which belong to no grant). */
  readonly signIdToken: (claims: Record<string, unknown>, expiresInSec: number) => Promise<string>
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
 * refresh token and an ID token when asked, each under the grant. When the grant was revoked
 * while minting, its tokens are already inactive, and the answer is `invalid_grant`.
 */
export async function mintTokens(deps: MintDeps, request: MintRequest): Promise<TokenAnswer> {
  const { grant, scope } = request
  const { issuer } = deps
  const claims = { sub: grant.sub, client_id: grant.clientId, scope: scope || undefined }
  const expiresInSec = deps.accessExpiresInSec
  const refreshToken = request.refresh ? issueRefreshToken(deps, grant) : undefined
  const accessToken =
    request.format === 'opaque'
      ? issuer.issueOpaqueInGrant(grant.id, claims, { expiresInSec })
      : await issuer.signInGrant(grant.id, claims, { expiresInSec })
  const idToken =
    request.idToken !== undefined && scope.split(' ').includes('openid')
      ? await deps.signIdToken(
          {
            aud: grant.clientId,
            sub: grant.sub,
            client_id: undefined,
            auth_time: request.idToken.authTimeSec,
            nonce: request.idToken.nonce,
          },
          expiresInSec,
        )
      : undefined
  // A replay revoked the grant while these were signed: they are inactive, and must not leave.
  if (issuer.isGrantRevoked(grant.id)) return tokenError('invalid_grant', 'the grant was revoked')
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
  const token = deps.issuer.issueOpaqueInGrant(grant.id, claims, {
    expiresInSec,
    tokenType: 'refresh_token',
  })
  const nowMs = deps.issuer.now()
  const expiresAtMs = nowMs + expiresInSec * 1000
  deps.refreshTokens.set(token, { grant, used: false, expiresAtMs }, expiresAtMs, nowMs)
  return token
}
