import { randomUUID, type KeyObject } from 'node:crypto'
import { importJWK, SignJWT, type CryptoKey, type JWK } from 'jose'
import { checkOptionNames } from '@tokenguard/core/internal'
import type { ClientAuthentication } from '../options.js'

/** What a client authentication adds to an introspection request. */
export interface ClientCredentials {
  readonly headers: Record<string, string>
  readonly params: Record<string, string>
}

const PACKAGE = '@tokenguard/introspect'
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
const ASSERTION_LIFETIME_SEC = 60
const CLIENT_AUTH_OPTION_NAMES: Readonly<Record<string, readonly string[]>> = {
  client_secret_basic: ['method', 'clientId', 'clientSecret'],
  client_secret_post: ['method', 'clientId', 'clientSecret'],
  bearer: ['method', 'token'],
  private_key_jwt: ['method', 'clientId', 'privateKey', 'alg', 'kid', 'audience'],
}

/**
 * Checks a {@link ClientAuthentication} at start-up and returns the function that makes
 * the credentials of each request: fixed headers or parameters for secrets and bearer
 * tokens, a fresh single-use assertion (RFC 7523 §3: `iss` = `sub` = client id, `aud`,
 * `jti`, `exp`) for `private_key_jwt`.
 *
 * @example
 * const credentials = createClientCredentials({ method: 'client_secret_basic', clientId, clientSecret }, issuer)
 */
export function createClientCredentials(
  auth: ClientAuthentication,
  issuer: string,
  now: () => number,
): () => ClientCredentials | Promise<ClientCredentials> {
  if (auth === null || typeof auth !== 'object') {
    throw new TypeError(`${PACKAGE}: clientAuth is required: { method, ... }`)
  }
  const names = CLIENT_AUTH_OPTION_NAMES[String(auth.method)]
  if (names !== undefined) checkOptionNames(`${PACKAGE}: clientAuth`, auth, names)
  switch (auth.method) {
    case 'client_secret_basic': {
      requireStrings(auth, ['clientId', 'clientSecret'])
      const basic = Buffer.from(`${formEncode(auth.clientId)}:${formEncode(auth.clientSecret)}`)
      const credentials = {
        headers: { authorization: `Basic ${basic.toString('base64')}` },
        params: {},
      }
      return () => credentials
    }
    case 'client_secret_post': {
      requireStrings(auth, ['clientId', 'clientSecret'])
      const credentials = {
        headers: {},
        params: { client_id: auth.clientId, client_secret: auth.clientSecret },
      }
      return () => credentials
    }
    case 'bearer': {
      requireStrings(auth, ['token'])
      const credentials = { headers: { authorization: `Bearer ${auth.token}` }, params: {} }
      return () => credentials
    }
    case 'private_key_jwt':
      return assertionMaker(auth, issuer, now)
    default:
      throw new TypeError(
        `${PACKAGE}: clientAuth.method must be client_secret_basic, client_secret_post, private_key_jwt or bearer`,
      )
  }
}

function assertionMaker(
  auth: Extract<ClientAuthentication, { method: 'private_key_jwt' }>,
  issuer: string,
  now: () => number,
): () => Promise<ClientCredentials> {
  requireStrings(auth, ['clientId'])
  if (auth.privateKey === null || typeof auth.privateKey !== 'object') {
    throw new TypeError(`${PACKAGE}: clientAuth.privateKey is required for private_key_jwt`)
  }
  const jwk = isJwk(auth.privateKey) ? auth.privateKey : undefined
  const alg = auth.alg ?? jwk?.alg ?? defaultAlgorithm(auth.privateKey)
  const kid = auth.kid ?? jwk?.kid
  const key: Promise<KeyObject | CryptoKey | Uint8Array> =
    jwk === undefined
      ? Promise.resolve(auth.privateKey as KeyObject | CryptoKey)
      : importJWK(jwk, alg)
  // Surface a bad key at start-up in the logs of the first request, never as an unhandled rejection.
  key.catch(() => undefined)
  const audience = auth.audience ?? issuer
  return async () => {
    const issuedAt = Math.floor(now() / 1000)
    const assertion = await new SignJWT({})
      .setProtectedHeader(kid === undefined ? { alg } : { alg, kid })
      .setIssuer(auth.clientId)
      .setSubject(auth.clientId)
      .setAudience(audience)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ASSERTION_LIFETIME_SEC)
      .sign(await key)
    return {
      headers: {},
      params: {
        client_id: auth.clientId,
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion,
      },
    }
  }
}

function defaultAlgorithm(key: KeyObject | CryptoKey | JWK): string {
  const type = 'asymmetricKeyType' in key ? key.asymmetricKeyType : undefined
  const details = 'asymmetricKeyDetails' in key ? key.asymmetricKeyDetails : undefined
  const algorithm =
    'algorithm' in key ? (key.algorithm as { name?: string; namedCurve?: string }) : undefined
  const curve = details?.namedCurve ?? algorithm?.namedCurve
  if (type === 'ec' || algorithm?.name === 'ECDSA') {
    return curve === 'secp384r1' || curve === 'P-384'
      ? 'ES384'
      : curve === 'secp521r1' || curve === 'P-521'
        ? 'ES512'
        : 'ES256'
  }
  if (type === 'ed25519' || algorithm?.name === 'Ed25519') return 'EdDSA'
  if (type === 'rsa-pss' || algorithm?.name === 'RSA-PSS') return 'PS256'
  return 'RS256'
}

function isJwk(key: KeyObject | CryptoKey | JWK): key is JWK {
  return typeof (key as JWK).kty === 'string'
}

function requireStrings(auth: object, names: readonly string[]): void {
  for (const name of names) {
    const value = (auth as Record<string, unknown>)[name]
    if (typeof value !== 'string' || value === '') {
      throw new TypeError(`${PACKAGE}: clientAuth.${name} must be a non-empty string`)
    }
  }
}

/** application/x-www-form-urlencoded encoding of one value (RFC 6749 §2.3.1, Appendix B). */
function formEncode(value: string): string {
  return new URLSearchParams([['v', value]]).toString().slice(2)
}
