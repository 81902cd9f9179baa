import { randomUUID } from 'node:crypto'
import type { HostileContext } from './hostile-context.js'
import { hostileToken } from './hostile-token.js'
import type { HostileTokens } from './hostile-tokens.js'

type ClaimTokens = Pick<
  HostileTokens,
  'wrongIssuer' | 'wrongAudience' | 'expired' | 'notYetValid' | 'missingExp' | 'typJwt' | 'idToken'
>

/** An issuer and an API nobody runs: the `.invalid` TLD never resolves (RFC 6761 §6.4). */
const ATTACKER_ISSUER = 'https://attacker.invalid'
const OTHER_AUDIENCE = 'https://other-api.invalid'
/** Far beyond any clock tolerance a server should allow. */
const HOUR_SEC = 3600

/**
 * Validly signed tokens, by the issuer's own key, whose claims or `typ` make them no access
 * token for this server. The case's own claims win over the caller's.
 */
export function claimTokens(context: HostileContext): ClaimTokens {
  const { source } = context
  return {
    async wrongIssuer(claims = {}) {
      return hostileToken(
        'wrong-issuer',
        `validly signed, but iss is ${ATTACKER_ISSUER}, an issuer the server does not trust`,
        await source.sign({ ...claims, iss: ATTACKER_ISSUER }),
      )
    },
    async wrongAudience(claims = {}) {
      return hostileToken(
        'wrong-audience',
        `validly signed, but for another API: aud is ${OTHER_AUDIENCE} (RFC 9068 §4)`,
        await source.sign({ ...claims, aud: OTHER_AUDIENCE }),
      )
    },
    async expired(claims = {}) {
      const now = context.nowSec()
      return hostileToken(
        'expired',
        'validly signed, but exp is an hour past (RFC 7519 §4.1.4)',
        await source.sign({ ...claims, iat: now - 2 * HOUR_SEC, exp: now - HOUR_SEC }),
      )
    },
    async notYetValid(claims = {}) {
      const now = context.nowSec()
      return hostileToken(
        'not-yet-valid',
        'validly signed, but nbf is an hour ahead (RFC 7519 §4.1.5)',
        await source.sign({ ...claims, iat: now, nbf: now + HOUR_SEC, exp: now + 2 * HOUR_SEC }),
      )
    },
    async missingExp(claims = {}) {
      return hostileToken(
        'missing-exp',
        'validly signed, but without exp: a token that never expires (RFC 9068 §2.2, RFC 8725 §3.10)',
        await source.sign({ ...claims, exp: undefined }),
      )
    },
    async typJwt(claims = {}) {
      return hostileToken(
        'typ-jwt',
        'validly signed access token with typ "JWT": a strict RFC 9068 server requires "at+jwt" (RFC 9068 §4)',
        await source.sign(claims, { typ: 'JWT' }),
        { strictOnly: true },
      )
    },
    async idToken(claims = {}) {
      const now = context.nowSec()
      const idClaims = {
        ...claims,
        azp: 'test-client',
        nonce: randomUUID(),
        auth_time: now,
        client_id: undefined,
        jti: undefined,
      }
      return hostileToken(
        'id-token',
        'a validly signed OpenID Connect ID token (typ "JWT", nonce, azp, no client_id): never an access token in strict RFC 9068 mode',
        await source.sign(idClaims, { typ: 'JWT' }),
        { strictOnly: true },
      )
    },
  }
}
