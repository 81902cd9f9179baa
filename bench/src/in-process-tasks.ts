// The in-process tasks, for each algorithm: the node:crypto ceiling, tokenguard's verifier
// core on unique, hot and bad-signature tokens, and every JWT middleware (tokenguard's and
// the peers') called with a fake Express request. Used by in-process.ts and profile.ts.
import { verify } from 'node:crypto'
import { OAuthError, type AuthContext } from '@tokenguard/core'
import { createJwtVerifier, type JwtVerifier } from '@tokenguard/jwt-verify'
import express, { type RequestHandler } from 'express'
import { fakeRequests } from './fake-request.js'
import {
  ceilingKey,
  INTROSPECTION_IMPLEMENTATIONS,
  JWT_IMPLEMENTATIONS,
} from './implementations.js'
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
const MIDDLEWARE_HOT_BATCH = 100

/**
 * Builds the verifiers and middlewares against the issuer of `config` (keys fetched over
 * HTTP once, before timing), checks that every path does what its name says, and returns
 * the tasks in a stable order: per algorithm, the core tasks then one per middleware.
 */
export async function buildTasks(
  config: BenchIssuerConfig,
  jwks: { keys: object[] },
  pools: readonly WirePool[],
  opaqueHot?: string,
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
    const floor = floorCheck(digest, key)

    // Every path must do what its name says before it is timed.
    const first = split[0]!
    if (!verify(digest, first.data, key, first.signature))
      throw new Error(`${alg}: ceiling rejects`)
    await uncached.verify(unique[0]!)
    await cached.verify(hot)
    if (!floor(unique[0]!)) throw new Error(`${alg}: the floor rejects`)
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
    const nextFloor = cycle(unique)
    const nextUnique = cycle(unique)
    const nextBad = cycle(bad)
    tasks.push(
      task('ceiling', () => {
        const { data, signature } = nextSplit()
        return verify(digest, data, key, signature)
      }),
      task('floor', () => floor(nextFloor())),
      // `check`, the synchronous core that jwtBearer calls: no promise on either side.
      task('unique', () => checkAtOnce(uncached, nextUnique())),
      task(
        'hot',
        () => {
          for (let i = 0; i < HOT_BATCH; i++) checkAtOnce(cached, hot)
        },
        HOT_BATCH,
      ),
      // The same verifier as `unique`: the same work up to the signature check, which fails.
      task('bad', () => {
        try {
          checkAtOnce(uncached, nextBad())
        } catch {
          return
        }
        throw new Error(`${alg}: a bad-signature token was accepted`)
      }),
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
      // A hot token through the middleware, next to a middleware that only calls next: what
      // a cache hit costs the request beyond the one more function every middleware is.
      const next: RequestHandler = (_req, _res, goOn) => goOn()
      const hotHeader = `Bearer ${hot}`
      for (const [kind, handler] of [
        ['mw-hot:next', next],
        ['mw-hot:tokenguard', middleware],
      ] as const) {
        tasks.push(
          task(
            kind,
            async () => {
              for (let i = 0; i < MIDDLEWARE_HOT_BATCH; i++) {
                if ((await call(handler, hotHeader)) !== 'next') {
                  throw new Error(`${alg} ${kind}: the hot token was refused`)
                }
              }
            },
            MIDDLEWARE_HOT_BATCH,
          ),
        )
      }
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
  const first = pools[0]?.alg
  if (opaqueHot !== undefined && first !== undefined) {
    tasks.push(...(await introspectionHitTasks(config, first, opaqueHot, call)))
  }
  return tasks
}

/**
 * An opaque token's cache hit through introspectionBearer and through the seeds' node-cache
 * middleware, filed under the first algorithm (they verify no signature); the first call of
 * each is the miss that fills its cache.
 */
async function introspectionHitTasks(
  config: BenchIssuerConfig,
  alg: BenchAlgorithm,
  opaqueHot: string,
  call: ReturnType<typeof fakeRequests>,
): Promise<TaskSpec[]> {
  const header = `Bearer ${opaqueHot}`
  const tasks: TaskSpec[] = []
  for (const impl of INTROSPECTION_IMPLEMENTATIONS) {
    const middleware = await impl.create(config)
    if ((await call(middleware, header)) !== 'next') {
      throw new Error(`introspection ${impl.id}: the hot opaque token was refused`)
    }
    const kind = `mw-hot:introspection-${impl.id}` as const
    tasks.push({
      id: `${alg} ${kind}`,
      alg,
      kind,
      batch: MIDDLEWARE_HOT_BATCH,
      fn: async () => {
        for (let i = 0; i < MIDDLEWARE_HOT_BATCH; i++) {
          if ((await call(middleware, header)) !== 'next') {
            throw new Error(`introspection ${impl.id}: the hot opaque token was refused`)
          }
        }
      },
    })
  }
  return tasks
}

/** `verifier.check(token)`, which must answer at once: the keys are in hand. */
function checkAtOnce(verifier: JwtVerifier, token: string): AuthContext {
  const result = verifier.check(token)
  if (result instanceof Promise) throw new Error('bench: the verifier waited for its keys')
  return result
}

/**
 * The floor of any verifier that reads the claims: the ceiling's `crypto.verify` plus the
 * decoding it skips, on the token as it arrives (split at the dots, the signing input and
 * the signature as bytes, the payload base64url-decoded and JSON-parsed), and nothing else:
 * no header, no claim rule, no validation of the encoding, no result object.
 */
function floorCheck(
  digest: string | null,
  key: ReturnType<typeof ceilingKey>['key'],
): (token: string) => boolean {
  return (token) => {
    const first = token.indexOf('.')
    const second = token.indexOf('.', first + 1)
    const payload: unknown = JSON.parse(
      Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'),
    )
    const data = Buffer.from(token.slice(0, second), 'latin1')
    const signature = Buffer.from(token.slice(second + 1), 'base64url')
    return payload !== null && verify(digest, data, key, signature)
  }
}

/** A function that returns the items of `list` one after the other, round and round. */
function cycle<T>(list: readonly T[]): () => T {
  let index = 0
  return () => {
    index = index + 1 === list.length ? 0 : index + 1
    return list[index]!
  }
}
