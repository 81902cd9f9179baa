// The memory scenario, started by src/run.ts with --expose-gc: garbage and
// structurally-valid-but-bad tokens, each one distinct, fed straight into tokenguard's
// verifier core or into jwtBearer through a fake request (one child per target, so each
// starts from a fresh process), with the RSS growth measured after a full garbage
// collection. No network: the JWKS comes from an injected fetch.
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { OAuthError } from '@tokenguard/core'
import { createJwtVerifier, jwtBearer, type JwtVerifier } from '@tokenguard/jwt-verify'
import { createTestIssuer } from '@tokenguard/test-tokens'
import { childChannel } from './child.js'
import type {
  MemoryResultMessage,
  MemoryRow,
  MemoryStartMessage,
  MemoryTarget,
} from './protocol.js'
import { base64urlJson, EXPIRES_IN_SEC, JWKS_URI, jwksFetch } from './tokens.js'

const CHUNK = 1_000
const MB = 1_000_000

type Feed = (tokens: readonly string[], reasons: Map<string, number>) => Promise<void>

function collect(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('bench: the memory child needs --expose-gc')
  gc()
  gc()
  return sleep(20).then(gc)
}

/**
 * The garbage: a rotation of kinds, each token distinct (its index is in it). One kind in
 * twelve has a valid header, claims and a signature of the right length that does not
 * match, so it costs a signature check; the others are refused before any cryptography.
 */
function garbageMaker(valid: string, kid: string, iss: string, aud: string): (i: number) => string {
  const [, , validSignature = ''] = valid.split('.')
  const header = valid.slice(0, valid.indexOf('.'))
  const signature = randomBytes(256)
  const exp = Math.floor(Date.now() / 1000) + EXPIRES_IN_SEC
  const claims = (i: number, overrides: Record<string, unknown> = {}): string =>
    base64urlJson({ iss, aud, sub: 'user-123', exp, jti: `g${i}`, ...overrides })
  const kinds: ((i: number) => string)[] = [
    (i) => {
      signature.writeUInt32BE(i >>> 0, 0)
      return `${header}.${claims(i)}.${signature.toString('base64url')}`
    },
    (i) => `garbage${i.toString(36)}${'x'.repeat(i % 400)}`,
    (i) => `${randomBytes(24).toString('base64url')}.${i.toString(36)}.${validSignature}`,
    (i) => `${header}.${randomBytes(60 + (i % 300)).toString('base64url')}.${validSignature}`,
    (i) => `${header}.${claims(i, { iss: `https://evil.test/${i}` })}.${validSignature}`,
    (i) => `${base64urlJson({ alg: 'RS256', kid: `unknown-${i}` })}.${claims(i)}.${validSignature}`,
    (i) => `${base64urlJson({ alg: 'none', kid })}.${claims(i)}.${validSignature}`,
    (i) => `${base64urlJson({ alg: 'HS256', kid })}.${claims(i)}.${validSignature}`,
    (i) =>
      `${base64urlJson({ alg: 'RS256', kid, jku: `https://evil.test/${i}` })}.${claims(i)}.${validSignature}`,
    (i) =>
      `${base64urlJson({ alg: 'RS256', kid, crit: [`x${i}`] })}.${claims(i)}.${validSignature}`,
    (i) =>
      `${base64urlJson({ alg: 'RS256', kid, typ: `id+jwt${i}` })}.${claims(i)}.${validSignature}`,
    (i) => `${base64urlJson([i])}.${claims(i)}.${validSignature}`,
  ]
  return (i) => kinds[i % kinds.length]!(i)
}

function tally(reasons: Map<string, number>, error: unknown): void {
  const reason = error instanceof OAuthError ? (error.reason ?? error.code ?? 'oauth') : 'other'
  reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
}

function verifierFeed(verifier: JwtVerifier): Feed {
  return async (tokens, reasons) => {
    const results = await Promise.allSettled(tokens.map((token) => verifier.verify(token)))
    for (const result of results)
      tally(reasons, result.status === 'rejected' ? result.reason : 'accepted')
  }
}

function middlewareFeed(verifier: JwtVerifier): Feed {
  const middleware = jwtBearer({ verifier })
  const res = {} as ServerResponse
  return async (tokens, reasons) => {
    await Promise.all(
      tokens.map(
        (token) =>
          new Promise<void>((resolve) => {
            const req = {
              method: 'GET',
              url: '/pets',
              headers: { authorization: `Bearer ${token}` },
            }
            middleware(req as IncomingMessage, res, (err?: unknown) => {
              tally(reasons, err ?? 'accepted')
              resolve()
            })
          }),
      ),
    )
  }
}

async function measure(
  target: MemoryTarget,
  feed: Feed,
  make: (i: number) => string,
  count: number,
  fetches: () => number,
): Promise<MemoryRow> {
  // Warm up first (JIT, the young generation grown to its working size, the caches), so
  // that the growth measured is what the garbage leaves behind, not the start-up.
  const warmupTokens = Math.max(CHUNK, Math.min(50_000, Math.round(count / 5)))
  const chunk = (from: number, size: number): string[] =>
    Array.from({ length: size }, (_, i) => make(from + i))
  const reasons = new Map<string, number>()
  for (let from = 0; from < warmupTokens; from += CHUNK) await feed(chunk(from, CHUNK), new Map())
  await collect()
  const before = process.memoryUsage()
  const fetchesBefore = fetches()
  let peak = before.rss
  const started = performance.now()
  for (let from = 0; from < count; from += CHUNK) {
    // Offset past the warm-up, so no token is sent twice.
    await feed(chunk(warmupTokens + from, Math.min(CHUNK, count - from)), reasons)
    if (from % (CHUNK * 20) === 0) peak = Math.max(peak, process.memoryUsage.rss())
  }
  const seconds = (performance.now() - started) / 1000
  await collect()
  const after = process.memoryUsage()
  return {
    target,
    tokens: count,
    warmupTokens,
    seconds,
    rssBeforeMb: before.rss / MB,
    rssAfterMb: after.rss / MB,
    rssPeakMb: Math.max(peak, after.rss) / MB,
    heapBeforeMb: before.heapUsed / MB,
    heapAfterMb: after.heapUsed / MB,
    reasons: Object.fromEntries([...reasons].sort((a, b) => b[1] - a[1])),
    jwksFetches: fetches() - fetchesBefore,
  }
}

async function runMemory(target: MemoryTarget, tokens: number): Promise<MemoryRow> {
  const issuer = await createTestIssuer({ algorithms: ['RS256'] })
  let jwksFetches = 0
  // Default options: the result cache, header cache and JWKS cache as an app has them.
  const verifier = createJwtVerifier({
    issuer: issuer.issuer,
    audience: issuer.audience,
    jwksUri: JWKS_URI,
    fetch: jwksFetch(issuer.jwks(), () => jwksFetches++),
  })
  await verifier.hydrate()
  const valid = await issuer.sign({ scope: 'pets:read' }, { expiresInSec: EXPIRES_IN_SEC })
  if ((await verifier.verify(valid)).subject !== 'user-123') throw new Error('bench: bad setup')
  const make = garbageMaker(valid, issuer.key('RS256').kid, issuer.issuer, issuer.audience)
  const feed = target === 'verifier' ? verifierFeed(verifier) : middlewareFeed(verifier)
  return measure(target, feed, make, tokens, () => jwksFetches)
}

const channel = childChannel(10 * 60_000)
channel.on<MemoryStartMessage>('start', async ({ settings, target }) => {
  channel.send({
    type: 'result',
    row: await runMemory(target, settings.tokens),
  } satisfies MemoryResultMessage)
})
