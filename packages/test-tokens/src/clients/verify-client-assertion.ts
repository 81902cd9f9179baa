import { decodeJwt, jwtVerify } from 'jose'
import { TEST_ALGORITHMS } from '../keys/algorithms.js'
import type { ClientRegistry } from './client-registry.js'
import type { JtiReplayCache } from './jti-replay-cache.js'

/** RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/** What checking a client assertion reads. */
export interface AssertionContext {
  readonly registry: ClientRegistry
  readonly replay: JtiReplayCache
  /** Accepted `aud` values: the issuer and the endpoint the assertion was sent to. */
  readonly audiences: readonly string[]
  /** Clock, in milliseconds. */
  readonly nowMs: number
}

/**
 * Checks a `private_key_jwt` client assertion (RFC 7523 §3) and returns the client id it
 * authenticates: `iss` and `sub` are the client id, the signature holds with a key of that
 * client's registered JWKS, `aud` names the issuer or the endpoint, `exp` is present and in
 * the future, and the `jti` was not used before. `undefined` when any check fails.
 */
export async function verifyClientAssertion(
  assertion: string,
  context: AssertionContext,
): Promise<string | undefined> {
  let clientId: unknown
  try {
    clientId = decodeJwt(assertion).sub
  } catch {
    return undefined
  }
  if (typeof clientId !== 'string') return undefined
  const keySet = context.registry.byId(clientId)?.keySet
  if (keySet === undefined) return undefined
  try {
    const { payload } = await jwtVerify(assertion, keySet, {
      issuer: clientId,
      subject: clientId,
      audience: [...context.audiences],
      algorithms: [...TEST_ALGORITHMS],
      requiredClaims: ['exp', 'jti'],
      currentDate: new Date(context.nowMs),
    })
    const { jti, exp } = payload
    if (typeof jti !== 'string' || typeof exp !== 'number') return undefined
    return context.replay.use(clientId, jti, exp, Math.floor(context.nowMs / 1000))
      ? clientId
      : undefined
  } catch {
    return undefined
  }
}
