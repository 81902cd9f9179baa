import type { JwtVerifierOptions } from '@tokenguard/jwt-verify'
import type { TestAlgorithm, TestIssuer } from '@tokenguard/test-tokens'

/** The algorithms the benchmark measures: the common RSA, ECDSA and EdDSA choices. */
export const BENCH_ALGORITHMS = [
  'RS256',
  'ES256',
  'EdDSA',
] as const satisfies readonly TestAlgorithm[]
export type BenchAlgorithm = (typeof BENCH_ALGORITHMS)[number]

/** A JWKS URL for verifiers given an injected fetch (the memory child: no network at all). */
export const JWKS_URI = 'https://issuer.test/.well-known/jwks.json'

/** The `fetch` a verifier accepts. */
export type VerifierFetch = NonNullable<JwtVerifierOptions['fetch']>

/** Pre-minted tokens of one algorithm, so no signing happens while a load is timed. */
export interface TokenPool {
  readonly alg: BenchAlgorithm
  /** One token, sent again and again. */
  readonly hot: string
  /** Distinct tokens (distinct `jti` and `n` claims), all validly signed. */
  readonly unique: readonly string[]
}

// An hour, so that tokens minted at start stay valid through a full run.
export const EXPIRES_IN_SEC = 3_600
const BATCH = 200

/** Mints `size` unique tokens and one hot token for `alg`, signed by the issuer's key. */
export async function mintPool(
  issuer: TestIssuer,
  alg: BenchAlgorithm,
  size: number,
): Promise<TokenPool> {
  if (size < 2) throw new RangeError('bench: a token pool needs at least two tokens')
  const sign = (n: number): Promise<string> =>
    issuer.sign({ scope: 'pets:read pets:write', n }, { alg, expiresInSec: EXPIRES_IN_SEC })
  const unique: string[] = []
  for (let start = 0; start < size; start += BATCH) {
    const count = Math.min(BATCH, size - start)
    unique.push(...(await Promise.all(Array.from({ length: count }, (_, i) => sign(start + i)))))
  }
  return { alg, hot: await sign(-1), unique }
}

/**
 * Bad-signature twins of `tokens`: a valid structure, a known `kid` and a signature of the
 * right length made by the right key, but over another token's payload, so each fails
 * only at the signature check.
 */
export function badSignatures(tokens: readonly string[]): string[] {
  return tokens.map((token, i) => {
    const other = tokens[(i + 1) % tokens.length]!
    return `${token.slice(0, token.lastIndexOf('.'))}${other.slice(other.lastIndexOf('.'))}`
  })
}

/**
 * `token` with its protected header replaced by `header` (payload and signature kept): a
 * well-formed JWS whose signature no longer matches, for tokens that must be refused
 * before any key is used (an unknown `kid`, a wrong `alg`).
 */
export function withHeader(token: string, header: Readonly<Record<string, unknown>>): string {
  return `${base64urlJson(header)}${token.slice(token.indexOf('.'))}`
}

/** `value` as JSON, base64url-encoded: one JWS segment. */
export function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

/** The protected header of `token`, decoded. */
export function headerOf(token: string): Record<string, unknown> {
  const text = Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')
  return JSON.parse(text) as Record<string, unknown>
}

/** A `fetch` that answers every request with `jwks`, so no network is involved. */
export function jwksFetch(jwks: unknown, onFetch?: () => void): VerifierFetch {
  const body = JSON.stringify(jwks)
  return () => {
    onFetch?.()
    return Promise.resolve(
      new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }),
    )
  }
}
