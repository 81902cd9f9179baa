import { randomUUID } from 'node:crypto'
import { SignJWT } from 'jose'
import type { TestKey } from '../../src/index.js'

export { basic, postForm } from '@tokenguard/test-support/form-requests'

/**
 * A private_key_jwt client assertion (RFC 7523 §3) for `clientId`, signed by `key`, valid
 * for 60 seconds with a fresh jti; `claims` override the defaults (undefined removes one).
 */
export function clientAssertion(
  key: TestKey,
  clientId: string,
  aud: string,
  claims: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const payload = { iss: clientId, sub: clientId, aud, iat: now, exp: now + 60, jti: randomUUID() }
  return new SignJWT({ ...payload, ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .sign(key.privateKey)
}

/** The form parameters of a private_key_jwt request, without `token`. */
export function assertionParams(assertion: string): Record<string, string> {
  return {
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  }
}
