import type { JwtVerifierOptions } from '@tokenguard/jwt-verify'
import type { TestAlgorithm, TestIssuer } from '@tokenguard/test-tokens'

/** The algorithms the benchmark measures: the common RSA, ECDSA and EdDSA choices. */
export const BENCH_ALGORITHMS = [
  'RS256',
  'ES256',
  'EdDSA',
] as const satisfies readonly TestAlgorithm[]
export type BenchAlgorithm = (typeof BENCH_ALGORITHMS)[number]

/** The JWKS URL the verifiers are configured with; the injected fetch answers it. */
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
  /**
   * Distinct tokens with a valid structure, a known `kid` and a signature of the right
   * length made by the right key, but over another token's payload: each fails only at
   * the signature check.
   */
  readonly bad: readonly string[]
}

// An hour, so that tokens minted at start stay valid through a full run.
const EXPIRES_IN_SEC = 3_600
const BATCH = 200

/** Mints `size` unique tokens, their bad-signature twins and one hot token for `alg`. */
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
  const bad = unique.map((token, i) => {
    const other = unique[(i + 1) % unique.length]!
    return `${token.slice(0, token.lastIndexOf('.'))}${other.slice(other.lastIndexOf('.'))}`
  })
  return { alg, hot: await sign(-1), unique, bad }
}

/** A `fetch` that answers every request with `jwks`, so no network is involved. */
export function jwksFetch(jwks: unknown): VerifierFetch {
  const body = JSON.stringify(jwks)
  return () =>
    Promise.resolve(
      new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }),
    )
}
