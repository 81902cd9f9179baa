import type { HostileSource } from './hostile-context.js'
import { createHostileContext } from './hostile-context.js'
import type { HostileToken } from './hostile-token.js'
import { claimTokens } from './claim-tokens.js'
import { encodingTokens } from './encoding-tokens.js'
import { headerTokens } from './header-tokens.js'
import { keyConfusionTokens } from './key-confusion-tokens.js'
import { unsignedTokens } from './unsigned-tokens.js'
import type { TestAlgorithm } from '../keys/algorithms.js'
import { checkKnownOptions } from '../options/check-options.js'
import type { TestKey } from '../keys/test-key.js'

/** Claims a hostile token carries on top of the issuer's defaults, e.g. `{ scope: 'pets:read' }`. */
export type HostileClaims = Readonly<Record<string, unknown>>

/** Options of `hostile.jku` and `hostile.x5u`. */
export interface HostileUrlOptions {
  /**
   * The URL the header points at. Serve `hostile.attackerKey()` there to make the trap
   * real. Default: for `jku`, a `data:` URL holding the attacker's JWKS; for `x5u`,
   * `https://attacker.invalid/cert.pem` (the `.invalid` TLD never resolves, RFC 6761 §6.4).
   */
  url?: string
}

/** Options of `hostile.all`. */
export interface HostileAllOptions {
  /**
   * Also return the cases only a strict RFC 9068 server refuses (`typ: JWT`, an ID token),
   * marked `strictOnly`. Default: `false`.
   */
  strict?: boolean
}

/**
 * Factories of the tokens an attacker would try against a resource server, each with the
 * answer a correct one gives. `claims` go on top of the issuer's defaults (pass the scopes
 * your route needs), so each token is refused for exactly one reason. Default: `{}`.
 *
 * @example
 * const { token, expect } = await issuer.hostile.algNone({ scope: 'pets:read' })
 * const res = await request(app).get('/pets').set('Authorization', `Bearer ${token}`)
 * // res.status === expect.status (401), WWW-Authenticate carries error="invalid_token"
 */
export interface HostileTokens {
  /** `alg: "none"` and an empty signature (RFC 8725 §2.1). */
  algNone(claims?: HostileClaims): Promise<HostileToken>
  /** `None`, `NONE`, `nOnE` with no signature, and `none` keeping the original signature. */
  algNoneVariants(claims?: HostileClaims): Promise<HostileToken[]>
  /** The issuer's own header and claims with an empty signature: `header.payload.` */
  emptySignature(claims?: HostileClaims): Promise<HostileToken>
  /** A valid token with its signature part removed: `header.payload`, two parts. */
  signatureStripped(claims?: HostileClaims): Promise<HostileToken>
  /** A valid token cut short inside its signature. */
  truncated(claims?: HostileClaims): Promise<HostileToken>
  /**
   * `alg: HS256` with the issuer's `kid`, MACed with the issuer's public key as the secret:
   * once as SPKI PEM and once as the published JWK (RFC 8725 §2.1, algorithm confusion).
   */
  hs256WithPublicKey(claims?: HostileClaims): Promise<HostileToken[]>
  /** Signed by the attacker's key, which the `jwk` header embeds (RFC 8725 §3.10). */
  embeddedJwk(claims?: HostileClaims): Promise<HostileToken>
  /** Signed by the attacker's key, which the `jku` header points at. */
  jku(claims?: HostileClaims, options?: HostileUrlOptions): Promise<HostileToken>
  /** Signed by the attacker's key, with an `x5u` header pointing at the attacker's certificate. */
  x5u(claims?: HostileClaims, options?: HostileUrlOptions): Promise<HostileToken>
  /** Signed by the attacker's key under its own `kid`, which the issuer's JWKS lacks. */
  unknownKid(claims?: HostileClaims): Promise<HostileToken>
  /** Signed by the attacker's key under the issuer's real `kid` and `alg`. */
  attackerSigned(claims?: HostileClaims): Promise<HostileToken>
  /** Validly signed, with an `iss` the server does not trust. */
  wrongIssuer(claims?: HostileClaims): Promise<HostileToken>
  /** Validly signed, for another API: an `aud` the server is not. */
  wrongAudience(claims?: HostileClaims): Promise<HostileToken>
  /** Validly signed, `exp` an hour past (beyond any sane clock tolerance). */
  expired(claims?: HostileClaims): Promise<HostileToken>
  /** Validly signed, `nbf` an hour ahead. */
  notYetValid(claims?: HostileClaims): Promise<HostileToken>
  /** Validly signed, without `exp`: a token that would never expire. */
  missingExp(claims?: HostileClaims): Promise<HostileToken>
  /** Validly signed, with a `crit` header naming an extension nobody understands (RFC 7515 §4.1.11). */
  unknownCrit(claims?: HostileClaims): Promise<HostileToken>
  /** Validly signed with `typ: JWT` instead of `at+jwt`; `strictOnly` (RFC 9068 §4). */
  typJwt(claims?: HostileClaims): Promise<HostileToken>
  /** A validly signed OpenID Connect ID token (`typ: JWT`, `nonce`, `azp`, no `client_id`); `strictOnly`. */
  idToken(claims?: HostileClaims): Promise<HostileToken>
  /**
   * Validly signed tokens in non-canonical base64url (RFC 7515 §2, RFC 4648 §3.5): padding,
   * stray bits in a last character, and the standard alphabet (`+`, `/`).
   */
  nonCanonicalBase64(claims?: HostileClaims): Promise<HostileToken[]>
  /** Validly signed, with an 8 KiB protected header. */
  oversizedHeader(claims?: HostileClaims): Promise<HostileToken>
  /** A valid token with a space inside: not a `b64token` (RFC 6750 §2.1), so 400 `invalid_request`. */
  whitespace(claims?: HostileClaims): Promise<HostileToken>
  /** The attacker's key for `alg` (default: the issuer's default algorithm), e.g. to serve it for `jku`. */
  attackerKey(alg?: TestAlgorithm): Promise<TestKey>
  /**
   * Every case above, flattened, in a stable order with unique names; the `strictOnly` ones
   * only with `{ strict: true }`.
   */
  all(claims?: HostileClaims, options?: HostileAllOptions): Promise<HostileToken[]>
}

/**
 * Creates the hostile-token factories of an issuer; `now` is its clock in milliseconds.
 * `TestIssuer.hostile` is one.
 *
 * @example
 * const hostile = createHostileTokens(issuer, Date.now)
 * const { token, expect } = await hostile.algNone({ scope: 'pets:read' })
 */
export function createHostileTokens(source: HostileSource, now: () => number): HostileTokens {
  const context = createHostileContext(source, now)
  const factories = {
    ...unsignedTokens(context),
    ...keyConfusionTokens(context),
    ...claimTokens(context),
    ...headerTokens(context),
    ...encodingTokens(context),
    attackerKey: (alg: TestAlgorithm = source.key().alg) => context.attackerKey(alg),
  }
  return {
    ...factories,
    async all(claims = {}, options = {}) {
      checkKnownOptions('hostile.all', options, ['strict'])
      const tokens = await Promise.all([
        factories.algNone(claims),
        factories.algNoneVariants(claims),
        factories.emptySignature(claims),
        factories.signatureStripped(claims),
        factories.truncated(claims),
        factories.hs256WithPublicKey(claims),
        factories.embeddedJwk(claims),
        factories.jku(claims),
        factories.x5u(claims),
        factories.unknownKid(claims),
        factories.attackerSigned(claims),
        factories.wrongIssuer(claims),
        factories.wrongAudience(claims),
        factories.expired(claims),
        factories.notYetValid(claims),
        factories.missingExp(claims),
        factories.unknownCrit(claims),
        factories.typJwt(claims),
        factories.idToken(claims),
        factories.nonCanonicalBase64(claims),
        factories.oversizedHeader(claims),
        factories.whitespace(claims),
      ])
      const strict = options.strict === true
      return tokens.flat().filter((token) => strict || token.strictOnly !== true)
    },
  }
}
