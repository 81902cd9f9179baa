import { createHash } from 'node:crypto'
import { OAuthError, type OAuthErrorReason } from '@tokenguard/core'
import {
  ASYMMETRIC_ALGORITHMS,
  isAsymmetricAlgorithm,
  nonNegativeNumber,
  positiveInteger,
  positiveNumber,
} from '@tokenguard/core/internal'
import type { PreparedKey } from '@tokenguard/jwt-verify'
import { parseJwt, prepareKey, verifyAsymmetric } from '@tokenguard/jwt-verify/internal'
import { LRUCache } from 'lru-cache'
import { jwkThumbprint } from './jwk-thumbprint.js'

/** What a verified DPoP proof says. */
export interface VerifiedProof {
  /** RFC 7638 thumbprint of the proof's key: must equal the token's `cnf.jkt`. */
  readonly jkt: string
  readonly jti: string
  readonly iat: number
  /** The proof's `nonce`, when it has one. */
  readonly nonce: string | undefined
}

/** The request a proof must fit. */
export interface ProofRequest {
  /** HTTP method, as received. */
  readonly method: string
  /** Public URL of the request, without query and fragment. */
  readonly url: string
  /** The access token sent with the proof, when there is one: the proof's `ath` must hash it. */
  readonly accessToken?: string
}

/** Options of {@link createProofVerifier}. */
export interface ProofVerifierOptions {
  /** Accepted proof algorithms (asymmetric only). Default: {@link DEFAULT_DPOP_ALGORITHMS}: RS256/384/512, PS256/384/512, ES256/384/512, EdDSA, Ed25519. */
  algorithms?: readonly string[]
  /** Oldest accepted proof, by its `iat`, in seconds. Default: 60. */
  maxAgeSec?: number
  /** Allowed clock skew for a proof from the future, in seconds. Default: 5. */
  clockToleranceSec?: number
  /** Longest proof accepted, in bytes. Default: 8192. */
  maxProofBytes?: number
  /** Clock in milliseconds. Default: `Date.now`. */
  now?: () => number
}

/** Checks DPoP proofs against requests (RFC 9449 §4.3). */
export type ProofVerifier = (proof: string, request: ProofRequest) => VerifiedProof

/**
 * The asymmetric algorithms DPoP proofs may use by default (RFC 9449 §4.2, never `none` or
 * HS*): the suite's one list, the same an access token may use.
 */
export const DEFAULT_DPOP_ALGORITHMS: readonly string[] = ASYMMETRIC_ALGORITHMS

const PACKAGE = '@tokenguard/dpop'
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']
const KEY_CACHE_ENTRIES = 1_000

/**
 * Creates the framework-free check of one DPoP proof: everything RFC 9449 §4.3 asks of a
 * proof on its own and against its request (`typ`, `alg`, a public `jwk` that verifies
 * the signature, `htm`, `htu`, `iat` window, `jti`, `ath`). Replay, nonce and the binding
 * to the token are the caller's: they need state and the token. Keys of recent proofs are
 * kept prepared (by their JWK), since a client signs many proofs with one key.
 *
 * @example
 * const verifyProof = createProofVerifier({ maxAgeSec: 60 })
 * const { jkt, jti } = verifyProof(req.headers.dpop, { method: 'GET', url, accessToken })
 */
export function createProofVerifier(options: ProofVerifierOptions = {}): ProofVerifier {
  const algorithms = new Set(options.algorithms ?? DEFAULT_DPOP_ALGORITHMS)
  for (const alg of algorithms) {
    if (!isAsymmetricAlgorithm(alg)) {
      throw new TypeError(`${PACKAGE}: "${alg}" is not an asymmetric algorithm DPoP proofs may use`)
    }
  }
  const maxAgeSec = positiveNumber(PACKAGE, 'maxAgeSec', options.maxAgeSec, 60)
  const toleranceSec = nonNegativeNumber(PACKAGE, 'clockToleranceSec', options.clockToleranceSec, 5)
  const maxProofBytes = positiveInteger(PACKAGE, 'maxProofBytes', options.maxProofBytes, 8_192)
  const now = options.now ?? Date.now
  const keys = new LRUCache<string, { key: PreparedKey; jkt: string }>({ max: KEY_CACHE_ENTRIES })

  function keyOf(jwk: unknown): { key: PreparedKey; jkt: string } {
    if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) {
      throw bad('dpop_proof_invalid', 'The DPoP proof has no public key')
    }
    const record = jwk as Record<string, unknown>
    // RFC 9449 §4.3 (7): the jwk header MUST NOT contain a private key.
    if (PRIVATE_MEMBERS.some((member) => Object.hasOwn(record, member))) {
      throw bad('dpop_proof_invalid', 'The DPoP proof carries a private key')
    }
    const text = JSON.stringify(record)
    let entry = keys.get(text)
    if (entry === undefined) {
      const prepared = prepareKey(record)
      const jkt = jwkThumbprint(record)
      if ('skipped' in prepared || jkt === undefined) {
        throw bad('dpop_proof_invalid', 'The DPoP proof key is not usable')
      }
      entry = { key: prepared, jkt }
      keys.set(text, entry)
    }
    return entry
  }

  return function verifyProof(proof, request) {
    if (proof.length > maxProofBytes) throw bad('dpop_proof_invalid', 'The DPoP proof is too large')
    let parsed: ReturnType<typeof parseJwt>
    try {
      parsed = parseJwt(proof)
    } catch {
      throw bad('dpop_proof_invalid', 'The DPoP proof is malformed')
    }
    const { header, payload } = parsed
    // RFC 9449 §4.3 (4), (5): typ dpop+jwt, an asymmetric algorithm we accept.
    if (typeof header.typ !== 'string' || header.typ.toLowerCase() !== 'dpop+jwt') {
      throw bad('dpop_proof_invalid', 'The DPoP proof must have typ dpop+jwt')
    }
    const alg = header.alg
    if (typeof alg !== 'string' || !algorithms.has(alg)) {
      throw bad('dpop_proof_invalid', 'The DPoP proof algorithm is not accepted')
    }
    if (Object.hasOwn(header, 'crit')) {
      throw bad('dpop_proof_invalid', 'The DPoP proof uses an unsupported extension')
    }
    const { key, jkt } = keyOf(header.jwk)
    if (!key.algorithms.has(alg)) {
      throw bad('dpop_proof_invalid', 'The DPoP proof algorithm does not fit its key')
    }
    // (6): the signature verifies with the key of the jwk header.
    if (!verifyAsymmetric(alg, key, parsed.signingInput, parsed.signature)) {
      throw bad('dpop_proof_invalid', 'The DPoP proof signature is invalid')
    }
    const { jti, htm, htu, iat, ath, nonce } = payload
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) {
      throw bad('dpop_proof_invalid', 'The DPoP proof has no valid jti')
    }
    // (8), (9): the proof was made for this method and URL (query and fragment ignored).
    if (htm !== request.method) {
      throw bad('dpop_proof_invalid', 'The DPoP proof was made for another HTTP method')
    }
    const target = typeof htu === 'string' ? normalizeUrl(htu) : undefined
    if (target === undefined || target !== normalizeUrl(request.url)) {
      throw bad('dpop_proof_invalid', 'The DPoP proof was made for another URL')
    }
    // (11): made recently, and not in the future.
    const nowSec = now() / 1000
    if (typeof iat !== 'number' || !Number.isFinite(iat)) {
      throw bad('dpop_proof_invalid', 'The DPoP proof has no valid iat')
    }
    if (iat > nowSec + toleranceSec || iat < nowSec - maxAgeSec - toleranceSec) {
      throw bad('dpop_proof_invalid', 'The DPoP proof is too old or from the future')
    }
    // (12): the proof covers this access token.
    if (request.accessToken !== undefined) {
      const expected = createHash('sha256').update(request.accessToken).digest('base64url')
      if (ath !== expected) {
        throw bad('dpop_proof_invalid', 'The DPoP proof does not cover this access token')
      }
    }
    if (nonce !== undefined && typeof nonce !== 'string') {
      throw bad('dpop_proof_invalid', 'The DPoP proof has a malformed nonce')
    }
    return { jkt, jti, iat, nonce }
  }
}

/** RFC 9449 §4.3 (9) with RFC 3986 §6.2.2–6.2.3 normalisation: no query, no fragment. */
function normalizeUrl(value: string): string | undefined {
  try {
    const url = new URL(value)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined
    return `${url.origin}${url.pathname}`
  } catch {
    return undefined
  }
}

function bad(reason: OAuthErrorReason, description: string): OAuthError {
  return OAuthError.invalidDpopProof(reason, description)
}
