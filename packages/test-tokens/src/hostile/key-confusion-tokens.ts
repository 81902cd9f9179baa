import { createHmac, KeyObject } from 'node:crypto'
import type { HostileContext } from './hostile-context.js'
import { hostileToken } from './hostile-token.js'
import type { HostileClaims, HostileTokens, HostileUrlOptions } from './hostile-tokens.js'
import { encodeJson, forgeSigned } from './jws.js'
import { checkKnownOptions } from '../options/check-options.js'

type KeyConfusionTokens = Pick<
  HostileTokens,
  'hs256WithPublicKey' | 'embeddedJwk' | 'jku' | 'x5u' | 'unknownKid' | 'attackerSigned'
>

/** Where `x5u` points by default: the `.invalid` TLD never resolves (RFC 6761 §6.4). */
const ATTACKER_CERT_URL = 'https://attacker.invalid/cert.pem'

/** Tokens that make the server check them with a key of the attacker's choosing. */
export function keyConfusionTokens(context: HostileContext): KeyConfusionTokens {
  const { source } = context
  // The issuer's claims and header, signed by the attacker's key of the same alg, with
  // `extra` header parameters: a server that trusts the token's own key accepts it.
  const attackerSign = async (claims: HostileClaims, extra: (kid: string) => object) => {
    const { header, payload } = await context.mint(claims)
    const attacker = await context.attackerKey(source.key().alg)
    return {
      token: forgeSigned(attacker, { ...header, ...extra(attacker.kid) }, payload),
      attacker,
    }
  }
  const urlOf = (where: string, options: HostileUrlOptions): string | undefined => {
    checkKnownOptions(where, options, ['url'])
    if (options.url !== undefined && typeof options.url !== 'string') {
      throw new TypeError(`@tokenguard/test-tokens: ${where} url must be a string`)
    }
    return options.url
  }
  return {
    async hs256WithPublicKey(claims = {}) {
      const { header, encodedPayload } = await context.mint(claims)
      const key = source.key()
      const input = `${encodeJson({ ...header, alg: 'HS256' })}.${encodedPayload}`
      const pem = KeyObject.from(key.publicKey).export({ type: 'spki', format: 'pem' }).toString()
      const secrets = { pem, jwk: JSON.stringify(key.publicJwk) }
      return Object.entries(secrets).map(([form, secret]) =>
        hostileToken(
          `hs256-public-key-${form}`,
          `alg HS256 with the issuer's kid, MACed with its public key as ${form.toUpperCase()}: algorithm confusion (RFC 8725 §2.1)`,
          `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`,
        ),
      )
    },
    async embeddedJwk(claims = {}) {
      const attacker = await context.attackerKey(source.key().alg)
      const { token } = await attackerSign(claims, (kid) => ({ kid, jwk: attacker.publicJwk }))
      return hostileToken(
        'embedded-jwk',
        "signed by an attacker's key that the jwk header carries: keys named by the token are never trusted (RFC 8725 §3.10)",
        token,
      )
    },
    async jku(claims = {}, options = {}) {
      const attacker = await context.attackerKey(source.key().alg)
      const jwks = Buffer.from(JSON.stringify({ keys: [attacker.publicJwk] })).toString('base64')
      const url = urlOf('jku', options) ?? `data:application/json;base64,${jwks}`
      const { token } = await attackerSign(claims, (kid) => ({ kid, jku: url }))
      return hostileToken(
        'jku',
        "signed by an attacker's key that the jku header points at: a token never chooses where its keys come from",
        token,
      )
    },
    async x5u(claims = {}, options = {}) {
      const url = urlOf('x5u', options) ?? ATTACKER_CERT_URL
      const { token } = await attackerSign(claims, (kid) => ({ kid, x5u: url }))
      return hostileToken(
        'x5u',
        "signed by an attacker's key, with an x5u header pointing at the attacker's certificate",
        token,
      )
    },
    async unknownKid(claims = {}) {
      const { token } = await attackerSign(claims, (kid) => ({ kid }))
      return hostileToken(
        'unknown-kid',
        "signed by an attacker's key under a kid the issuer's JWKS does not have",
        token,
      )
    },
    async attackerSigned(claims = {}) {
      const { token } = await attackerSign(claims, () => ({}))
      return hostileToken(
        'attacker-signed',
        "the issuer's header, real kid included, and claims, signed by an attacker's key: the signature does not hold",
        token,
      )
    },
  }
}
