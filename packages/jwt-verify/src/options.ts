import type { KeyObject } from 'node:crypto'
import type { FetchLike } from '@tokenguard/core'
import {
  optionNames,
  type AsymmetricAlgorithm as SharedAsymmetricAlgorithm,
  type SymmetricAlgorithm as SharedSymmetricAlgorithm,
} from '@tokenguard/core/internal'
import type { JwksCache, JwksCacheOptions } from './jwks-cache.js'

/** Asymmetric JWS algorithms accepted by default (RFC 7518, RFC 8037, RFC 9864). */
export type AsymmetricAlgorithm = SharedAsymmetricAlgorithm

/** HMAC algorithms, accepted only with a configured `secret` and never beside a JWKS. */
export type SymmetricAlgorithm = SharedSymmetricAlgorithm

/** Any algorithm the verifier can check. `none` is not one of them, ever. */
export type JwtAlgorithm = AsymmetricAlgorithm | SymmetricAlgorithm

/**
 * A check of your own on verified claims. Return `false` (or throw an `OAuthError`) to
 * refuse the token; a `false` becomes 401 `invalid_token` with reason `claim_check_failed`.
 * Runs on every request, cache hits included: the cache only skips the signature check.
 */
export type ClaimsValidator = (
  claims: Readonly<Record<string, unknown>>,
  header: Readonly<Record<string, unknown>>,
) => boolean | void

/**
 * `typ` policy. `'lenient'` (default) accepts `at+jwt`, `JWT` or no `typ`; `'rfc9068'`
 * accepts only `at+jwt` and requires the RFC 9068 claims (`iss`, `exp`, `aud`, `sub`,
 * `client_id`, `iat`, `jti`), so an ID token is never taken for an access token.
 */
export type AccessTokenProfile = 'lenient' | 'rfc9068'

/** JWKS cache tuning passed through to {@link createJwksCache}. */
export type JwksTuning = Omit<
  JwksCacheOptions,
  'jwksUri' | 'issuer' | 'fetch' | 'now' | 'allowInsecureHttp'
>

/** Rules for the tokens of one issuer. */
export interface IssuerRules {
  /** Accepted `aud` values: the token must name at least one. */
  audience?: string | readonly string[]
  /** Accepted algorithms. Default: every asymmetric one, or `['HS256']` with a secret. */
  algorithms?: readonly JwtAlgorithm[]
  /** `typ` policy. Default: `'lenient'`. */
  profile?: AccessTokenProfile
  /** Claims that must be present (beyond `exp`, which always must). */
  requiredClaims?: readonly string[]
  /** Oldest accepted token, by its `iat`, in seconds. Default: no limit. */
  maxTokenAgeSec?: number
  /** Extra checks of your own. */
  validators?: readonly ClaimsValidator[]
}

/** Where the keys of one issuer come from: exactly one of these. */
export interface IssuerKeys {
  /** URL of the JWKS. Default: discovered from the issuer's metadata. */
  jwksUri?: string
  /** A JWKS cache to share between verifiers. */
  jwks?: JwksCache
  /**
   * HMAC secret (at least as many bytes as the hash). Only for tokens your own service
   * signs; never together with a JWKS (RFC 8725 §2.1, no algorithm confusion).
   */
  secret?: string | Uint8Array | KeyObject
}

/** One trusted issuer and its rules, for {@link JwtVerifierOptions.issuers}. */
export interface IssuerConfig extends IssuerRules, IssuerKeys {
  /** The exact `iss` value. */
  issuer: string
}

/** Options of {@link createJwtVerifier}. Give `issuer`, or `issuers` for several. */
export interface JwtVerifierOptions extends IssuerRules, IssuerKeys {
  /** The exact `iss` value of the one trusted issuer. */
  issuer?: string
  /** Several trusted issuers, each with its own keys and rules, chosen by `iss`. */
  issuers?: readonly IssuerConfig[]
  /** Allowed clock skew for `exp`, `nbf` and `iat`, in seconds. Default: 5. */
  clockToleranceSec?: number
  /** Longest token accepted, in bytes. Default: 16384 (16 KiB). */
  maxTokenBytes?: number
  /**
   * Most verified tokens kept so a repeated token skips the signature check; a token is kept
   * from its second use on. Default: 10000; 0 turns the cache off.
   */
  cacheMaxEntries?: number
  /** Most memory the verified-token cache may hold, in bytes. Default: 33554432 (32 MiB). */
  cacheMaxBytes?: number
  /** JWKS cache tuning (max age, cooldown, timeout, ...). */
  jwksOptions?: JwksTuning
  /**
   * Allow `http://` URLs on hosts other than localhost. Without it, a URL found by discovery
   * must be https unless the configured issuer is itself http on localhost. Default: `false`.
   */
  allowInsecureHttp?: boolean
  /** `fetch` to use for discovery and JWKS. Default: the global `fetch`. */
  fetch?: FetchLike
  /** Clock in milliseconds. Default: `Date.now`. */
  now?: () => number
}

/** Every option name of {@link JwtVerifierOptions}, for typo detection. */
export const VERIFIER_OPTION_NAMES: readonly string[] = optionNames<JwtVerifierOptions>()([
  'issuer',
  'issuers',
  'audience',
  'algorithms',
  'profile',
  'requiredClaims',
  'maxTokenAgeSec',
  'validators',
  'jwksUri',
  'jwks',
  'secret',
  'clockToleranceSec',
  'maxTokenBytes',
  'cacheMaxEntries',
  'cacheMaxBytes',
  'jwksOptions',
  'allowInsecureHttp',
  'fetch',
  'now',
])

/** Every option name of {@link IssuerConfig}. */
export const ISSUER_OPTION_NAMES: readonly string[] = optionNames<IssuerConfig>()([
  'issuer',
  'audience',
  'algorithms',
  'profile',
  'requiredClaims',
  'maxTokenAgeSec',
  'validators',
  'jwksUri',
  'jwks',
  'secret',
])
