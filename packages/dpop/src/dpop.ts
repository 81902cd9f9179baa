import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  createAuthContext,
  createMemoryStore,
  OAuthError,
  type AccessTokenScheme,
  type AuthContext,
  type Store,
  type TokenBinding,
} from '@tokenguard/core'
import {
  checkOptionNames,
  optionNames,
  positiveInteger,
  sha256Base64url,
} from '@tokenguard/core/internal'
import { createKeyQuota } from './key-quota.js'
import { createNonceSource, type NonceOptions } from './nonce-source.js'
import { createRequestUrl } from './request-url.js'
import { createProofVerifier, DEFAULT_DPOP_ALGORITHMS } from './verify-proof.js'

/** Options of {@link dpop}. */
export interface DpopOptions {
  /**
   * `'required'`: only DPoP-bound tokens with a proof (the `DPoP` scheme). `'allowed'`
   * (mixed mode, RFC 9449 §7.2): bound tokens need a proof, unbound bearer tokens still
   * work. Default: `'required'`.
   */
  mode?: 'allowed' | 'required'
  /** The origin clients call, such as `https://api.example.com`, for the `htu` check. */
  publicOrigin?: string
  /** Take scheme and host from a trusted proxy's `X-Forwarded-*` headers instead. Default: `false`. */
  trustProxy?: boolean
  /** Accepted proof algorithms. Default: ES256/384/512, EdDSA, PS256/384/512, RS256/384/512. */
  algorithms?: readonly string[]
  /** Oldest accepted proof, by its `iat`, in seconds; also how long a `jti` is remembered. Default: 60. */
  maxAgeSec?: number
  /** Allowed clock skew, in seconds. Default: 5. */
  clockToleranceSec?: number
  /**
   * Where seen proof `jti`s are remembered; needs `setIfAbsent`. Share one (Redis) between
   * instances so a proof cannot be replayed on another. Default: in memory, 100000 entries;
   * when full, new proofs are refused with 503 rather than forgetting a live `jti`.
   */
  replayStore?: Store<true>
  /**
   * Most proofs one key (the token's `cnf.jkt`) may have remembered in the replay window
   * (`maxAgeSec` plus twice the tolerance), counted by each instance: a key over it gets 503
   * with `Retry-After` while every other key is served, so one holder of a bound token
   * cannot fill the replay store for everyone. Default: 5000 (about 70 proofs a second,
   * sustained, per key; 20 such keys to fill the default store).
   */
  maxProofsPerKey?: number
  /** Server nonces (RFC 9449 §8): `true`, or their options. Default: off. */
  nonce?: boolean | Omit<NonceOptions, 'now'>
  /** Longest proof accepted, in bytes. Default: 8192. */
  maxProofBytes?: number
  /** Clock in milliseconds. Default: `Date.now`. */
  now?: () => number
}

const PACKAGE = '@tokenguard/dpop'
const OPTION_NAMES = optionNames<DpopOptions>()([
  'mode',
  'publicOrigin',
  'trustProxy',
  'algorithms',
  'maxAgeSec',
  'clockToleranceSec',
  'replayStore',
  'maxProofsPerKey',
  'nonce',
  'maxProofBytes',
  'now',
])

/**
 * DPoP at the resource server (RFC 9449 §7), for the `dpop` option of `jwtBearer`,
 * `introspectionBearer` and `hybridBearer`: a token bound to a key (`cnf.jkt`) is only
 * accepted under the `DPoP` scheme with a fresh proof of that key for this request, never
 * as a bearer token; every proof is checked (§4.3), remembered against replay, and, when
 * enabled, must carry the server's nonce. Refusals are 401 with a `DPoP` challenge naming
 * the accepted algorithms; an unusable replay store is a 503 (fail closed).
 *
 * @example
 * app.use('/api', jwtBearer({ issuer, audience, dpop: dpop({ publicOrigin: 'https://api.example.com' }) }))
 */
export function dpop(options: DpopOptions = {}): TokenBinding {
  checkOptionNames(PACKAGE, options, OPTION_NAMES)
  const mode = options.mode ?? 'required'
  if (mode !== 'allowed' && mode !== 'required') {
    throw new TypeError(`${PACKAGE}: mode must be 'allowed' or 'required'`)
  }
  const now = options.now ?? Date.now
  const urlOf = createRequestUrl({
    ...(options.publicOrigin === undefined ? {} : { publicOrigin: options.publicOrigin }),
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
  })
  const verifyProof = createProofVerifier({
    ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }),
    ...(options.maxAgeSec === undefined ? {} : { maxAgeSec: options.maxAgeSec }),
    ...(options.clockToleranceSec === undefined
      ? {}
      : { clockToleranceSec: options.clockToleranceSec }),
    ...(options.maxProofBytes === undefined ? {} : { maxProofBytes: options.maxProofBytes }),
    now,
  })
  const windowMs = ((options.maxAgeSec ?? 60) + 2 * (options.clockToleranceSec ?? 5)) * 1000
  const replayStore =
    options.replayStore ??
    createMemoryStore<true>({ maxEntries: 100_000, ...(options.now === undefined ? {} : { now }) })
  if (typeof replayStore.setIfAbsent !== 'function') {
    throw new TypeError(
      `${PACKAGE}: replayStore must implement setIfAbsent (atomic, for replay detection)`,
    )
  }
  const quota = createKeyQuota({
    maxProofsPerKey: positiveInteger(PACKAGE, 'maxProofsPerKey', options.maxProofsPerKey, 5_000),
    windowMs,
    maxKeys: 10_000,
    now,
  })
  const nonces =
    options.nonce === undefined || options.nonce === false
      ? undefined
      : createNonceSource({ ...(options.nonce === true ? {} : options.nonce), now })
  const algs = (options.algorithms ?? DEFAULT_DPOP_ALGORITHMS).join(' ')
  const schemes: readonly AccessTokenScheme[] = mode === 'required' ? ['dpop'] : ['bearer', 'dpop']

  async function bindProof(
    auth: AuthContext,
    req: IncomingMessage,
    res: ServerResponse,
    jkt: string,
  ) {
    const proof = singleProof(req)
    const url = urlOf(req)
    if (url === undefined) {
      throw OAuthError.invalidDpopProof(
        'dpop_proof_invalid',
        'The request URL could not be determined',
      )
    }
    const checked = verifyProof(proof, { method: req.method ?? '', url, accessToken: auth.token })
    if (nonces !== undefined && !nonces.isValid(checked.nonce)) {
      throw OAuthError.useDpopNonce(nonces.current())
    }
    // RFC 9449 §4.3 (12): the proof's key is the one the token is bound to.
    if (checked.jkt !== jkt) {
      throw OAuthError.invalidDpopProof(
        'dpop_binding_mismatch',
        'The DPoP proof key is not the key the token is bound to',
      )
    }
    // The replay store is shared by every client: each key gets its own share of it.
    const retryAfterSec = quota.take(jkt)
    if (retryAfterSec !== undefined) {
      throw OAuthError.temporarilyUnavailable('dpop_key_over_quota', retryAfterSec)
    }
    // RFC 9449 §11.1: a jti is accepted once within the window, on every instance.
    let fresh: boolean
    try {
      fresh = await replayStore.setIfAbsent!(
        sha256Base64url(`${jkt}:${checked.jti}`),
        true,
        windowMs,
      )
    } catch (error) {
      throw OAuthError.temporarilyUnavailable('dpop_replay_store_unavailable', 5, { cause: error })
    }
    if (!fresh)
      throw OAuthError.invalidDpopProof('dpop_replayed', 'The DPoP proof was already used')
    if (nonces !== undefined && !res.headersSent) res.setHeader('DPoP-Nonce', nonces.current())
    return createAuthContext(
      { claims: { ...auth.claims }, issuer: auth.issuer, source: auth.source, scheme: 'dpop' },
      auth.token,
    )
  }

  return {
    schemes,
    cnfMembers: ['jkt'],
    bind(auth, scheme, req, res) {
      const jkt = boundKey(auth)
      if (scheme === 'bearer') {
        // RFC 9449 §7.2: a bound token must not be accepted as a bearer token.
        if (jkt !== undefined) {
          throw OAuthError.invalidToken(
            'dpop_required',
            'This access token is DPoP-bound: send it with the DPoP scheme and a proof',
          )
        }
        return auth
      }
      if (jkt === undefined) {
        throw OAuthError.invalidToken('dpop_binding_mismatch', 'The access token is not DPoP-bound')
      }
      return bindProof(auth, req, res, jkt)
    },
    decorate(error, scheme) {
      if (error.status === 503) return error
      const dpopChallenge = { realm: error.challengeParams.realm, algs }
      if (mode === 'required' || scheme === 'dpop') {
        const asDpop = error.withChallenge({ algs }, 'DPoP')
        return mode === 'allowed'
          ? asDpop.withAlternative('Bearer', { realm: error.challengeParams.realm })
          : asDpop
      }
      return error.withAlternative('DPoP', dpopChallenge)
    },
  }
}

function boundKey(auth: AuthContext): string | undefined {
  const cnf = Object.hasOwn(auth.claims, 'cnf') ? auth.claims.cnf : undefined
  if (cnf === null || typeof cnf !== 'object') return undefined
  const jkt = Object.hasOwn(cnf, 'jkt') ? (cnf as Record<string, unknown>).jkt : undefined
  return typeof jkt === 'string' ? jkt : undefined
}

function singleProof(req: IncomingMessage): string {
  // RFC 9449 §4.3 (1), (2): exactly one DPoP header, holding one JWT.
  let count = 0
  for (let index = 0; index < req.rawHeaders.length; index += 2) {
    if (req.rawHeaders[index]?.toLowerCase() === 'dpop') count++
  }
  const value = req.headers.dpop
  if (count === 0 || typeof value !== 'string' || value === '') {
    throw OAuthError.invalidDpopProof('dpop_proof_missing', 'The request has no DPoP proof')
  }
  if (count > 1)
    throw OAuthError.invalidDpopProof(
      'dpop_proof_invalid',
      'The request has more than one DPoP proof',
    )
  return value
}
