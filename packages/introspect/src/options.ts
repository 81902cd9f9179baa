import type { KeyObject } from 'node:crypto'
import type { FetchLike, Store } from '@tokenguard/core'
import { optionNames } from '@tokenguard/core/internal'
import type { CryptoKey, JWK } from 'jose'

/**
 * How the resource server authenticates to the introspection endpoint (RFC 7662 §2.1,
 * RFC 6749 §2.3, RFC 7523 §2.2).
 */
export type ClientAuthentication =
  | {
      /** HTTP Basic with the form-encoded client id and secret (RFC 6749 §2.3.1). */
      method: 'client_secret_basic'
      clientId: string
      clientSecret: string
    }
  | {
      /** Client id and secret in the form body (RFC 6749 §2.3.1). */
      method: 'client_secret_post'
      clientId: string
      clientSecret: string
    }
  | {
      /** A short-lived JWT assertion signed with the client's private key (RFC 7523). */
      method: 'private_key_jwt'
      clientId: string
      /** The private key: a `KeyObject`, a `CryptoKey` or a private JWK. */
      privateKey: KeyObject | CryptoKey | JWK
      /** Signing algorithm. Default: from the key (RS256, ES256/384/512 by curve, EdDSA). */
      alg?: string
      /** `kid` header of the assertion. Default: the JWK's `kid`, if any. */
      kid?: string
      /** `aud` of the assertion. Default: the issuer. */
      audience?: string
    }
  | {
      /** A bearer token the authorization server gave this resource server. */
      method: 'bearer'
      token: string
    }

/**
 * What the cache keeps for one token, under the SHA-256 of issuer, endpoint, client and token:
 * plain JSON, so any Store can hold it.
 */
export type CachedIntrospection =
  | {
      readonly active: true
      /** The introspection response. */
      readonly claims: Readonly<Record<string, unknown>>
      /** Until when, in ms since the epoch, the entry may be used without asking again. */
      readonly freshUntilMs: number
    }
  | { readonly active: false; readonly freshUntilMs: number }

/** Options of {@link createIntrospector}. */
export interface IntrospectorOptions {
  /** The authorization server's issuer identifier: discovery, and `iss` when the response has one. */
  issuer: string
  /** The RS's audience: the response's `aud`, when present, must contain one of these. */
  audience: string | readonly string[]
  /** How to authenticate to the endpoint. */
  clientAuth: ClientAuthentication
  /** The endpoint URL. Default: `introspection_endpoint` from the issuer's metadata. */
  introspectionEndpoint?: string
  /** Allowed clock skew for `exp` and `nbf`, in seconds. Default: 5. */
  clockToleranceSec?: number
  /**
   * Accept an active response that names no audience (`aud`). Off by default: an
   * authorization server answers `active: true` for refresh tokens too, without `aud`, and
   * such a token is not for this API. Turn it on only for a server that never sends `aud`
   * in introspection responses. Default: `false`.
   */
  acceptMissingAudience?: boolean
  /** Claims the response must carry (beyond `active`). Default: none. */
  requiredClaims?: readonly string[]
  /**
   * How long an active result is reused, in ms; never past the token's `exp`.
   * Default: 300000 (5 min). 0 turns caching of active results off.
   */
  cacheTtlMs?: number
  /** How long an inactive result is reused, in ms. Default: 10000 (10 s). */
  inactiveCacheTtlMs?: number
  /** Most results the default in-memory store keeps. Default: 10000; 0 turns the cache off. */
  cacheMaxEntries?: number
  /** Where results are kept. Default: an in-memory LRU (lru-cache) of `cacheMaxEntries`. */
  store?: Store<CachedIntrospection>
  /**
   * While the endpoint is down, keep serving an active result this many ms past its TTL
   * (never past its `exp`). Default: 0 (off).
   */
  serveStaleMs?: number
  /** `Retry-After` of the 503 sent while the endpoint is down, in seconds. Default: 5. */
  retryAfterSec?: number
  /** Timeout of each call, in ms. Default: 5000. */
  timeoutMs?: number
  /** Largest response accepted, in bytes. Default: 65536 (64 KiB). */
  maxResponseBytes?: number
  /** Longest token sent for introspection, in bytes. Default: 16384 (16 KiB). */
  maxTokenBytes?: number
  /**
   * Allow `http://` URLs on hosts other than localhost. Without it, a URL found by discovery
   * must be https unless the configured issuer is itself http on localhost. Default: `false`.
   */
  allowInsecureHttp?: boolean
  /** `fetch` to use. Default: the global `fetch` (undici, with connection reuse). */
  fetch?: FetchLike
  /** Clock in milliseconds. Default: `Date.now`. */
  now?: () => number
}

/** Every option name of {@link IntrospectorOptions}, for typo detection. */
export const INTROSPECTOR_OPTION_NAMES: readonly string[] = optionNames<IntrospectorOptions>()([
  'issuer',
  'audience',
  'clientAuth',
  'introspectionEndpoint',
  'clockToleranceSec',
  'acceptMissingAudience',
  'requiredClaims',
  'cacheTtlMs',
  'inactiveCacheTtlMs',
  'cacheMaxEntries',
  'store',
  'serveStaleMs',
  'retryAfterSec',
  'timeoutMs',
  'maxResponseBytes',
  'maxTokenBytes',
  'allowInsecureHttp',
  'fetch',
  'now',
])
