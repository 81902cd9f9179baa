import { createTestIssuer, type Fault, type TestIssuer } from '@tokenguard/test-tokens'
import { describe, expect, it, onTestFinished } from 'vitest'
import { startApi, trust, type TestApi } from '../conformance/support/api.js'
import { manualClock, untilAnswer } from './support.js'

// Outage drills for the JWKS endpoint: down, slow, hanging, garbage and huge answers,
// before and after warm-up, against a real issuer server whose endpoint is broken on purpose.
// Short timeouts and back-offs (through options) keep each drill under a second or two.

const read = { scope: 'pets:read' }
const TIMEOUT_MS = 200
const COOLDOWN_MS = 300
// Far beyond timeoutMs, far below the test timeout: an answer later than this is a hang.
const NO_HANG_MS = 3_000

const FAULTS: [string, Fault][] = [
  ['answers 500', { status: 500 }],
  ['answers 404', { status: 404 }],
  ['is slower than timeoutMs', { delayMs: 1_000 }],
  ['hangs', { hang: true }],
  ['answers garbage', { body: 'garbage, not JSON' }],
  ['answers JSON without keys', { body: '{"keys":"none"}' }],
  [
    'answers a body over maxResponseBytes',
    { body: JSON.stringify({ keys: [], pad: 'x'.repeat(300_000) }) },
  ],
]

async function issuerWithApi(
  options: { now?: () => number; staleIfErrorMs?: number; maxAgeMs?: number } = {},
): Promise<{
  issuer: TestIssuer
  api: TestApi
  close: () => Promise<void>
  jwksRequests: () => number
  setFault: (fault: Fault | undefined) => void
}> {
  const issuer = await createTestIssuer({
    algorithms: ['ES256'],
    audience: 'https://api.drill.test',
    ...(options.now === undefined ? {} : { now: options.now }),
  })
  const running = await issuer.listen()
  const api = await startApi({
    jwt: trust(issuer, {
      ...(options.now === undefined ? {} : { now: options.now }),
      jwksOptions: {
        timeoutMs: TIMEOUT_MS,
        cooldownMs: COOLDOWN_MS,
        maxAgeMs: options.maxAgeMs ?? 600_000,
        refreshAheadMs: 1_000,
        staleIfErrorMs: options.staleIfErrorMs ?? 3_600_000,
      },
    }),
  })
  return {
    issuer,
    api,
    jwksRequests: () => running.requests('/jwks.json'),
    setFault: (fault) => running.setFault('jwks', fault),
    close: async () => {
      await api.close()
      await running.close()
    },
  }
}

describe.each(FAULTS)('when the JWKS endpoint %s', (_name, fault) => {
  it('[DESIGN-outage-503][DESIGN-resume] answers 503 with Retry-After before warm-up, bounds its fetches, and serves once the endpoint heals', async () => {
    const drill = await issuerWithApi()
    onTestFinished(() => drill.close())
    drill.setFault(fault)
    const token = await drill.issuer.sign(read)
    const started = Date.now()
    const first = await drill.api.get(token)
    expect(first.status).toBe(503)
    expect(first.header).toBeUndefined()
    expect(Number(first.retryAfter)).toBeGreaterThanOrEqual(1)
    expect(Number(first.retryAfter)).toBeLessThanOrEqual(Math.ceil(COOLDOWN_MS / 1000))
    const again = await Promise.all(Array.from({ length: 20 }, () => drill.api.get(token)))
    expect(new Set(again.map((answer) => answer.status))).toEqual(new Set([503]))
    // One fetch, then at most one more per back-off (cooldownMs), however many requests come.
    expect(drill.jwksRequests()).toBeLessThanOrEqual(
      1 + Math.ceil((Date.now() - started) / COOLDOWN_MS),
    )
    drill.setFault(undefined)
    expect((await untilAnswer(() => drill.api.get(token), 200, 3_000)).status).toBe(200)
  })

  it('[DESIGN-stale-window][DESIGN-outage-503][DESIGN-resume] keeps known keys working after warm-up within staleIfErrorMs; other keys get 503; both work again once it heals', async () => {
    const clock = manualClock()
    const drill = await issuerWithApi({
      now: clock.now,
      maxAgeMs: 60_000,
      staleIfErrorMs: 600_000,
    })
    onTestFinished(() => drill.close())
    expect((await drill.api.get(await drill.issuer.sign(read))).status).toBe(200)
    drill.setFault(fault)
    // Past the max age, inside the stale window: the known key keeps working.
    clock.advance(120_000)
    expect((await drill.api.get(await drill.issuer.sign(read))).status).toBe(200)
    await untilFetchFailed(drill.api, drill.issuer)
    // A key the cache has never seen cannot be checked during the outage: 503, not 401.
    await drill.issuer.addKey('ES256')
    const unknown = await drill.api.get(await drill.issuer.sign(read))
    expect(unknown.status).toBe(503)
    expect(unknown.retryAfter).toMatch(/^[1-9]\d*$/)
    // Past the stale window nothing is trusted any more: 503 for every token.
    clock.advance(600_000)
    const known = await drill.issuer.sign(read, { kid: drill.issuer.jwks().keys[0]!.kid })
    expect((await drill.api.get(known)).status).toBe(503)
    // The endpoint heals: after the back-off the next request fetches, and both keys work.
    drill.setFault(undefined)
    clock.advance(COOLDOWN_MS)
    const rotated = await drill.issuer.sign(read)
    expect((await untilAnswer(() => drill.api.get(rotated), 200, 3_000)).status).toBe(200)
    expect((await drill.api.get(known)).status).toBe(200)
  })
})

describe('a slow JWKS endpoint', () => {
  it('[DESIGN-outage-503] makes every request that arrives during the first fetch wait for that one fetch, then answers 503 once it times out', async () => {
    const drill = await issuerWithApi()
    onTestFinished(() => drill.close())
    drill.setFault({ hang: true })
    const token = await drill.issuer.sign(read)
    const started = Date.now()
    const answers = await Promise.all(Array.from({ length: 30 }, () => drill.api.get(token)))
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([503]))
    expect(drill.jwksRequests()).toBe(1)
    expect(Date.now() - started).toBeLessThan(NO_HANG_MS)
  })

  it('[DESIGN-single-flight] lets tokens of a rotated key that arrive during the slow refetch share it, instead of refusing them', async () => {
    const drill = await issuerWithApi()
    onTestFinished(() => drill.close())
    expect((await drill.api.get(await drill.issuer.sign(read))).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 50))
    await drill.issuer.addKey('ES256')
    drill.setFault({ delayMs: 150 })
    const rotated = await drill.issuer.sign(read)
    const answers = await Promise.all(Array.from({ length: 10 }, () => drill.api.get(rotated)))
    expect(answers.map((answer) => answer.outcome)).toEqual(Array(10).fill('200'))
    expect(drill.jwksRequests()).toBe(2)
  })
})

/**
 * Waits until the background refresh started by the last request has failed (a hanging or
 * slow endpoint fails only after timeoutMs of real time), then checks the known key still works.
 */
async function untilFetchFailed(api: TestApi, issuer: TestIssuer): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS + 100))
  expect((await api.get(await issuer.sign(read))).status).toBe(200)
}
