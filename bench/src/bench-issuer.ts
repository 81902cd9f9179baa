// The local test issuer of a run: keys for every algorithm, its JWKS and introspection
// endpoint on 127.0.0.1, and every token the layers send, minted before anything is timed.
import { createTestIssuer, DEFAULT_TEST_CLIENT } from '@tokenguard/test-tokens'
import type { RunningIssuer, TestIssuer } from '@tokenguard/test-tokens'
import type { BenchIssuerConfig, WirePool } from './protocol.js'
import { EXPIRES_IN_SEC, mintPool, type BenchAlgorithm } from './tokens.js'

export interface BenchIssuer {
  readonly issuer: TestIssuer
  readonly running: RunningIssuer
  readonly config: BenchIssuerConfig
}

export interface BenchTokens {
  readonly pools: readonly WirePool[]
  /** Opaque tokens for introspection: one sent again and again, and distinct ones. */
  readonly opaque: { readonly hot: string; readonly unique: readonly string[] }
}

/** Starts a test issuer with a key for each of `algorithms` on 127.0.0.1. */
export async function startBenchIssuer(
  algorithms: readonly BenchAlgorithm[],
): Promise<BenchIssuer> {
  const issuer = await createTestIssuer({ algorithms })
  const running = await issuer.listen()
  const config: BenchIssuerConfig = {
    issuer: issuer.issuer,
    audience: issuer.audience,
    jwksUri: running.jwksUri,
    introspectionEndpoint: running.introspectionEndpoint,
    clientId: DEFAULT_TEST_CLIENT.client_id,
    clientSecret: DEFAULT_TEST_CLIENT.client_secret,
  }
  return { issuer, running, config }
}

/**
 * Mints `poolSize` distinct JWTs per algorithm (after `listen()`, so their `iss` is the
 * server's origin) and `opaqueCount` opaque tokens.
 */
export async function mintTokens(
  { issuer }: BenchIssuer,
  algorithms: readonly BenchAlgorithm[],
  poolSize: number,
  opaqueCount: number,
): Promise<BenchTokens> {
  const pools = await Promise.all(algorithms.map((alg) => mintPool(issuer, alg, poolSize)))
  const opaqueToken = (n: number): string =>
    issuer.issueOpaque({ scope: 'pets:read pets:write', n }, { expiresInSec: EXPIRES_IN_SEC })
  const opaque = {
    hot: opaqueToken(-1),
    unique: Array.from({ length: opaqueCount }, (_, n) => opaqueToken(n)),
  }
  return { pools, opaque }
}
