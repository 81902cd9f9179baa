// The in-process tasks, for each algorithm: the node:crypto ceiling, tokenguard's verifier
// core on unique, hot and bad-signature tokens, and every JWT middleware (tokenguard's and
// the peers') called with a fake Express request. Used by in-process.ts and profile.ts.
import { verify } from 'node:crypto'
import { OAuthError } from '@tokenguard/core'
import { createJwtVerifier } from '@tokenguard/jwt-verify'
import express from 'express'
import { fakeRequests } from './fake-request.js'
import { ceilingKey, JWT_IMPLEMENTATIONS } from './implementations.js'
import type { BenchIssuerConfig, InProcessKind, WirePool } from './protocol.js'
import { badSignatures, type BenchAlgorithm } from './tokens.js'

/** One timed operation. */
export interface TaskSpec {
  readonly id: string
  readonly alg: BenchAlgorithm
  readonly kind: InProcessKind
  /** Operations per call of `fn`: a hot-token call is too quick to time one by one. */
  readonly batch: number
  readonly fn: () => unknown
}

const HOT_BATCH = 1_000

/**
 * Builds the verifiers and middlewares against the issuer of `config` (keys fetched over
 * HTTP once, before timing), checks that every path does what its name says, and returns
 * the tasks in a stable order: per algorithm, the core tasks then one per middleware.
 */
export async function buildTasks(
  config: BenchIssuerConfig,
  jwks: { keys: object[] },
  pools: readonly WirePool[],
): Promise<TaskSpec[]> {
  const { issuer, audience, jwksUri } = config
  // `cacheMaxEntries: 0`: every call is a full verification.
  const uncached = createJwtVerifier({ issuer, audience, jwksUri, cacheMaxEntries: 0 })
  const cached = createJwtVerifier({ issuer, audience, jwksUri })
  await Promise.all([uncached.hydrate(), cached.hydrate()])
  const call = fakeRequests(express())
  const tasks: TaskSpec[] = []
  for (const pool of pools) {
    const { alg, hot, unique } = pool
    const bad = badSignatures(unique.slice(0, 2_000))
    const { digest, key } = ceilingKey(jwks, alg)
    const split = unique.map((token) => {
      const dot = token.lastIndexOf('.')
      return {
        data: Buffer.from(token.slice(0, dot), 'latin1'),
        signature: Buffer.from(token.slice(dot + 1), 'base64url'),
      }
    })

    // Every path must do what its name says before it is timed.
    const first = split[0]!
    if (!verify(digest, first.data, key, first.signature))
      throw new Error(`${alg}: ceiling rejects`)
    await uncached.verify(unique[0]!)
    await cached.verify(hot)
    const refusal = await uncached.verify(bad[0]!).then(
      () => undefined,
      (error: unknown) => error,
    )
    if (!(refusal instanceof OAuthError) || refusal.reason !== 'bad_signature') {
      throw new Error(`${alg}: a bad-signature token was not refused for its signature`)
    }

    const task = (kind: InProcessKind, fn: () => unknown, batch = 1): TaskSpec => ({
      id: `${alg} ${kind}`,
      alg,
      kind,
      batch,
      fn,
    })
    const nextSplit = cycle(split)
    const nextUnique = cycle(unique)
    const nextBad = cycle(bad)
    const ignore = (): undefined => undefined
    const accepted = (): never => {
      throw new Error(`${alg}: a bad-signature token was accepted`)
    }
    tasks.push(
      task('ceiling', () => {
        const { data, signature } = nextSplit()
        return verify(digest, data, key, signature)
      }),
      // One settled promise more in both `unique` and `bad`, so they compare like with like.
      task('unique', () => uncached.verify(nextUnique()).then(ignore)),
      task(
        'hot',
        async () => {
          for (let i = 0; i < HOT_BATCH; i++) await cached.verify(hot)
        },
        HOT_BATCH,
      ),
      // The same verifier as `unique`: the same work up to the signature check, which fails.
      task('bad', () => uncached.verify(nextBad()).then(accepted, ignore)),
    )
    for (const impl of JWT_IMPLEMENTATIONS) {
      if (!impl.algorithms.includes(alg)) continue
      const middleware = await impl.create(config, alg, {})
      // The first call fetches the JWKS; each token is verified once, as in production.
      const outcome = await call(middleware, `Bearer ${unique[unique.length - 1]!}`)
      if (outcome !== 'next') throw new Error(`${alg} ${impl.id}: a valid token got "${outcome}"`)
      const nextToken = cycle(unique)
      tasks.push(
        task(`mw:${impl.id}`, async () => {
          if ((await call(middleware, `Bearer ${nextToken()}`)) !== 'next') {
            throw new Error(`${alg} ${impl.id}: a valid token was refused`)
          }
        }),
      )
      if (impl.id !== 'tokenguard') continue
      // What a bad-signature flood costs the middleware: the same path as a valid token up
      // to the signature check, then next(err) with the 401.
      const nextBadToken = cycle(bad)
      tasks.push(
        task('mw-bad:tokenguard', async () => {
          if ((await call(middleware, `Bearer ${nextBadToken()}`)) !== 'error') {
            throw new Error(`${alg}: a bad-signature token was not refused`)
          }
        }),
      )
    }
  }
  return tasks
}

/** A function that returns the items of `list` one after the other, round and round. */
function cycle<T>(list: readonly T[]): () => T {
  let index = 0
  return () => {
    index = index + 1 === list.length ? 0 : index + 1
    return list[index]!
  }
}
