// The in-process tasks: for each algorithm, the node:crypto ceiling, jose's jwtVerify and
// tokenguard's verifier on the same pre-minted tokens. Used by in-process.ts and profile.ts.
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto'
import { OAuthError } from '@tokenguard/core'
import { createJwtVerifier, type JwtVerifier } from '@tokenguard/jwt-verify'
import { createTestIssuer, type TestIssuer } from '@tokenguard/test-tokens'
import { createLocalJWKSet, jwtVerify } from 'jose'
import type { InProcessKind } from './protocol.js'
import {
  BENCH_ALGORITHMS,
  JWKS_URI,
  jwksFetch,
  mintPool,
  type BenchAlgorithm,
  type TokenPool,
} from './tokens.js'

/** One timed operation. */
export interface TaskSpec {
  readonly id: string
  readonly alg: BenchAlgorithm
  readonly kind: InProcessKind
  /** Operations per call of `fn`: a hot-token call is too quick to time one by one. */
  readonly batch: number
  readonly fn: () => unknown
}

interface Verifiers {
  /** `cacheMaxEntries: 0`: every call is a full verification. */
  readonly uncached: JwtVerifier
  /** The default configuration, result cache on. */
  readonly cached: JwtVerifier
  readonly joseKeys: ReturnType<typeof createLocalJWKSet>
}

const HOT_BATCH = 1_000
const DIGESTS: Readonly<Record<BenchAlgorithm, string | null>> = {
  RS256: 'sha256',
  ES256: 'sha256',
  EdDSA: null,
}

/**
 * Mints `poolSize` tokens per algorithm (`algorithms`, default all three), builds the
 * verifiers on an injected JWKS fetch, hydrates them, checks that every path does what its
 * name says, and returns the tasks in a stable order.
 */
export async function buildTasks(
  poolSize: number,
  algorithms: readonly BenchAlgorithm[] = BENCH_ALGORITHMS,
): Promise<TaskSpec[]> {
  const issuer = await createTestIssuer({ algorithms })
  const jwks = issuer.jwks()
  const options = {
    issuer: issuer.issuer,
    audience: issuer.audience,
    jwksUri: JWKS_URI,
    fetch: jwksFetch(jwks),
  }
  const uncached = createJwtVerifier({ ...options, cacheMaxEntries: 0 })
  const cached = createJwtVerifier(options)
  await Promise.all([uncached.hydrate(), cached.hydrate()])
  const verifiers = { uncached, cached, joseKeys: createLocalJWKSet(jwks) }
  const tasks: TaskSpec[] = []
  for (const alg of algorithms) {
    const pool = await mintPool(issuer, alg, poolSize)
    tasks.push(...(await tasksFor(issuer, pool, verifiers)))
  }
  return tasks
}

async function tasksFor(
  issuer: TestIssuer,
  pool: TokenPool,
  verifiers: Verifiers,
): Promise<TaskSpec[]> {
  const { alg, hot, unique, bad } = pool
  const { uncached, cached, joseKeys } = verifiers
  const keyObject = createPublicKey({
    key: issuer.key(alg).publicJwk as unknown as JsonWebKey,
    format: 'jwk',
  })
  const key = alg === 'ES256' ? { key: keyObject, dsaEncoding: 'ieee-p1363' as const } : keyObject
  const digest = DIGESTS[alg]
  const split = unique.map((token) => {
    const dot = token.lastIndexOf('.')
    return {
      data: Buffer.from(token.slice(0, dot), 'latin1'),
      signature: Buffer.from(token.slice(dot + 1), 'base64url'),
    }
  })
  const joseOptions = { issuer: issuer.issuer, audience: issuer.audience, algorithms: [alg] }

  // Every path must do what its name says before it is timed.
  const first = split[0]!
  if (!verify(digest, first.data, key, first.signature)) throw new Error(`${alg}: ceiling rejects`)
  await jwtVerify(unique[0]!, joseKeys, joseOptions)
  await uncached.verify(unique[0]!)
  await cached.verify(hot)
  const refusal = await cached.verify(bad[0]!).then(
    () => undefined,
    (error: unknown) => error,
  )
  if (!(refusal instanceof OAuthError) || refusal.reason !== 'bad_signature') {
    throw new Error(`${alg}: a bad-signature token was not refused for its signature`)
  }

  const cycle = <T>(list: readonly T[]): (() => T) => {
    let index = 0
    return () => {
      index = index + 1 === list.length ? 0 : index + 1
      return list[index]!
    }
  }
  const nextSplit = cycle(split)
  const nextUnique = cycle(unique)
  const nextJose = cycle(unique)
  const nextBad = cycle(bad)
  const ignore = (): undefined => undefined
  const task = (kind: InProcessKind, fn: () => unknown, batch = 1): TaskSpec => ({
    id: `${alg} ${kind}`,
    alg,
    kind,
    batch,
    fn,
  })
  return [
    task('ceiling', () => {
      const { data, signature } = nextSplit()
      return verify(digest, data, key, signature)
    }),
    task('jose', () => jwtVerify(nextJose(), joseKeys, joseOptions)),
    task('unique', () => uncached.verify(nextUnique())),
    task(
      'hot',
      async () => {
        for (let i = 0; i < HOT_BATCH; i++) await cached.verify(hot)
      },
      HOT_BATCH,
    ),
    task('bad', () => cached.verify(nextBad()).catch(ignore)),
  ]
}
