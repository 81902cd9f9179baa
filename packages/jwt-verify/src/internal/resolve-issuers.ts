import { createSecretKey, KeyObject } from 'node:crypto'
import {
  ASYMMETRIC_ALGORITHMS,
  checkOptionNames,
  insecureUrlProblem,
  issuerProblem,
  positiveNumber,
  SYMMETRIC_ALGORITHMS,
  type TokenClaimRules,
} from '@tokenguard/core/internal'
import { createJwksCache, type JwksCache } from '../jwks-cache.js'
import {
  ISSUER_OPTION_NAMES,
  VERIFIER_OPTION_NAMES,
  type AccessTokenProfile,
  type ClaimsValidator,
  type IssuerConfig,
  type JwtVerifierOptions,
} from '../options.js'

/** One trusted issuer with its options checked and defaults filled in. */
export interface ResolvedIssuer {
  readonly issuer: string
  readonly algorithms: ReadonlySet<string>
  readonly profile: AccessTokenProfile
  /** The claim rules, shared with introspection: a JWT must expire. */
  readonly claims: TokenClaimRules
  readonly validators: readonly ClaimsValidator[]
  readonly jwks: JwksCache | undefined
  readonly secret: KeyObject | undefined
}

const PACKAGE = '@tokenguard/jwt-verify'
const ASYMMETRIC: readonly string[] = ASYMMETRIC_ALGORITHMS
const SYMMETRIC: readonly string[] = SYMMETRIC_ALGORITHMS
const RFC9068_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti']

/**
 * Checks the verifier options and builds the issuer table. Every mistake throws at
 * start-up with a message that names the option and says what to change.
 */
export function resolveIssuers(
  options: JwtVerifierOptions,
  toleranceSec: number,
): Map<string, ResolvedIssuer> {
  checkOptionNames(PACKAGE, options, VERIFIER_OPTION_NAMES)
  const configs: IssuerConfig[] = []
  if (options.issuers !== undefined) {
    if (options.issuer !== undefined || hasKeySource(options)) {
      throw new TypeError(
        `${PACKAGE}: with issuers, give issuer, jwksUri, jwks and secret inside each entry`,
      )
    }
    const list: unknown = options.issuers
    if (!Array.isArray(list) || list.length === 0) {
      throw new TypeError(`${PACKAGE}: issuers must be a non-empty array`)
    }
    for (const entry of options.issuers) {
      checkOptionNames(PACKAGE, entry, ISSUER_OPTION_NAMES)
      configs.push(entry)
    }
  } else {
    if (typeof options.issuer !== 'string' || options.issuer === '') {
      throw new TypeError(`${PACKAGE}: issuer is required (the exact "iss" of your tokens)`)
    }
    configs.push(options as IssuerConfig)
  }
  const table = new Map<string, ResolvedIssuer>()
  for (const config of configs) {
    if (table.has(config.issuer))
      throw new TypeError(`${PACKAGE}: issuer "${config.issuer}" is listed twice`)
    table.set(
      config.issuer,
      resolveIssuer({ ...pickRules(options), ...config }, options, toleranceSec),
    )
  }
  return table
}

function resolveIssuer(
  config: IssuerConfig,
  options: JwtVerifierOptions,
  toleranceSec: number,
): ResolvedIssuer {
  const allowInsecureHttp = options.allowInsecureHttp ?? false
  if (typeof config.issuer !== 'string' || config.issuer === '') {
    throw new TypeError(`${PACKAGE}: every issuer needs an issuer string`)
  }
  const malformed = issuerProblem(config.issuer)
  if (malformed !== undefined) {
    throw new TypeError(`${PACKAGE}: issuer "${config.issuer}" ${malformed}`)
  }
  const audiences = toList(config.audience)
  if (audiences.length === 0 || audiences.some((aud) => typeof aud !== 'string' || aud === '')) {
    throw new TypeError(
      `${PACKAGE}: audience is required for issuer "${config.issuer}" (the "aud" your API accepts)`,
    )
  }
  const secret = config.secret === undefined ? undefined : toSecretKey(config.secret)
  if (secret !== undefined && (config.jwks !== undefined || config.jwksUri !== undefined)) {
    throw new TypeError(
      `${PACKAGE}: secret cannot be combined with jwks or jwksUri (algorithm confusion, RFC 8725 §2.1)`,
    )
  }
  const algorithms = config.algorithms ?? (secret === undefined ? ASYMMETRIC : ['HS256'])
  checkAlgorithms(algorithms, secret !== undefined)
  if (secret !== undefined) {
    const shortest = Math.max(...algorithms.map((alg) => Number(alg.slice(2)) / 8))
    if ((secret.symmetricKeySize ?? 0) < shortest) {
      throw new RangeError(
        `${PACKAGE}: secret must be at least ${shortest} bytes for ${algorithms.join(', ')} (RFC 7518 §3.2)`,
      )
    }
  } else {
    const problem = insecureUrlProblem(config.issuer, allowInsecureHttp)
    if (config.jwks === undefined && config.jwksUri === undefined && problem !== undefined) {
      throw new TypeError(`${PACKAGE}: issuer "${config.issuer}" ${problem}`)
    }
  }
  const profile = config.profile ?? 'lenient'
  if (profile !== 'lenient' && profile !== 'rfc9068') {
    throw new TypeError(`${PACKAGE}: profile must be 'lenient' or 'rfc9068'`)
  }
  const maxTokenAgeSec =
    config.maxTokenAgeSec === undefined
      ? undefined
      : positiveNumber(PACKAGE, 'maxTokenAgeSec', config.maxTokenAgeSec, 0)
  const requiredClaims = [
    ...new Set([
      ...(config.requiredClaims ?? []),
      ...(profile === 'rfc9068' ? RFC9068_CLAIMS : []),
    ]),
  ]
  return {
    issuer: config.issuer,
    algorithms: new Set(algorithms),
    profile,
    claims: {
      audiences: new Set(audiences),
      acceptMissingAudience: false,
      requireExpiry: true,
      requiredClaims,
      maxTokenAgeSec,
      toleranceSec,
    },
    validators: [...(config.validators ?? [])],
    secret,
    jwks:
      secret !== undefined
        ? undefined
        : (config.jwks ??
          createJwksCache({
            ...options.jwksOptions,
            ...(config.jwksUri === undefined
              ? { issuer: config.issuer }
              : { jwksUri: config.jwksUri }),
            allowInsecureHttp,
            ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
            ...(options.now === undefined ? {} : { now: options.now }),
          })),
  }
}

function checkAlgorithms(algorithms: readonly string[], withSecret: boolean): void {
  const list: unknown = algorithms
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(`${PACKAGE}: algorithms must be a non-empty array`)
  }
  for (const alg of algorithms) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
      throw new TypeError(`${PACKAGE}: algorithm "none" is never accepted (RFC 8725 §3.1)`)
    }
    const allowed = withSecret ? SYMMETRIC : ASYMMETRIC
    if (!allowed.includes(alg)) {
      throw new TypeError(
        withSecret
          ? `${PACKAGE}: with a secret only ${SYMMETRIC.join(', ')} are allowed, not "${alg}"`
          : `${PACKAGE}: algorithm "${alg}" needs a secret (HS*) or is unknown; use one of ${ASYMMETRIC.join(', ')}`,
      )
    }
  }
}

function toSecretKey(secret: string | Uint8Array | KeyObject): KeyObject {
  if (secret instanceof KeyObject) {
    if (secret.type !== 'secret')
      throw new TypeError(`${PACKAGE}: secret must be a secret KeyObject`)
    return secret
  }
  if (typeof secret === 'string') return createSecretKey(Buffer.from(secret, 'utf8'))
  if (secret instanceof Uint8Array) return createSecretKey(secret)
  throw new TypeError(`${PACKAGE}: secret must be a string, a Uint8Array or a KeyObject`)
}

function toList(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return []
  return typeof value === 'string' ? [value] : value
}

function hasKeySource(options: JwtVerifierOptions): boolean {
  return options.jwksUri !== undefined || options.jwks !== undefined || options.secret !== undefined
}

function pickRules(options: JwtVerifierOptions): Partial<IssuerConfig> {
  const rules: Partial<IssuerConfig> = {}
  if (options.audience !== undefined) rules.audience = options.audience
  if (options.algorithms !== undefined) rules.algorithms = options.algorithms
  if (options.profile !== undefined) rules.profile = options.profile
  if (options.requiredClaims !== undefined) rules.requiredClaims = options.requiredClaims
  if (options.maxTokenAgeSec !== undefined) rules.maxTokenAgeSec = options.maxTokenAgeSec
  if (options.validators !== undefined) rules.validators = options.validators
  return rules
}
