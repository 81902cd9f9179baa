import {
  createTestIssuer,
  type Fault,
  type RunningIssuer,
  type TestIssuer,
} from '@tokenguard/test-tokens'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { introspectAt, startApi, type TestApi } from '../conformance/support/api.js'
import { manualClock, untilAnswer } from './support.js'

// Outage drills for the introspection endpoint: down, slow, hanging, garbage and huge
// answers, before and after a token was introspected, against the test issuer's real
// /introspect broken on purpose.

const read = { scope: 'pets:read' }
const TIMEOUT_MS = 200
const RETRY_AFTER_SEC = 2
// Far beyond timeoutMs, far below the test timeout: an answer later than this is a hang.
const NO_HANG_MS = 3_000

const FAULTS: [string, Fault][] = [
  ['answers 500', { status: 500 }],
  ['answers 401 to the resource server', { status: 401 }],
  ['is slower than timeoutMs', { delayMs: 1_000 }],
  ['hangs', { hang: true }],
  ['answers garbage', { body: '<html>maintenance</html>' }],
  ['answers active as a string', { body: '{"active":"true","scope":"pets:read"}' }],
  [
    'answers a body over maxResponseBytes',
    { body: JSON.stringify({ active: true, pad: 'x'.repeat(200_000) }) },
  ],
]

let issuer: TestIssuer
let running: RunningIssuer

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'], audience: 'https://api.drill.test' })
  running = await issuer.listen()
})

afterAll(async () => {
  await running.close()
})

function startDrillApi(extra: Record<string, unknown> = {}): Promise<TestApi> {
  return startApi({
    kind: 'introspection',
    introspection: introspectAt(issuer, running, {
      timeoutMs: TIMEOUT_MS,
      retryAfterSec: RETRY_AFTER_SEC,
      ...extra,
    }),
  })
}

describe.each(FAULTS)('when the introspection endpoint %s', (_name, fault) => {
  it('[DESIGN-outage-503][DESIGN-resume] answers 503 with Retry-After for a token never seen, and serves once the endpoint heals', async () => {
    const api = await startDrillApi()
    onTestFinished(() => api.close())
    running.setFault('introspect', fault)
    const token = issuer.issueOpaque(read)
    const answer = await api.get(token)
    expect(answer.status).toBe(503)
    expect(answer.header).toBeUndefined()
    expect(answer.retryAfter).toBe(String(RETRY_AFTER_SEC))
    expect(answer.body).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'The authorization server could not be reached; try again later',
    })
    running.setFault('introspect', undefined)
    expect((await untilAnswer(() => api.get(token), 200, 2_000)).status).toBe(200)
  })

  it('[DESIGN-stale-window][DESIGN-outage-503][DESIGN-resume] keeps a token introspected before the outage working within serveStaleMs; new tokens get 503; all work once it heals', async () => {
    const clock = manualClock()
    const api = await startDrillApi({ now: clock.now, cacheTtlMs: 10_000, serveStaleMs: 60_000 })
    onTestFinished(() => api.close())
    const known = issuer.issueOpaque(read)
    expect((await api.get(known)).status).toBe(200)
    running.setFault('introspect', fault)
    clock.advance(20_000)
    expect((await api.get(known)).status).toBe(200)
    const fresh = issuer.issueOpaque(read)
    expect((await api.get(fresh)).status).toBe(503)
    // Past the stale window the cached answer is not trusted any more.
    clock.advance(60_000)
    expect((await api.get(known)).status).toBe(503)
    running.setFault('introspect', undefined)
    expect((await untilAnswer(() => api.get(known), 200, 2_000)).status).toBe(200)
    expect((await api.get(fresh)).status).toBe(200)
  })
})

describe('a hanging introspection endpoint', () => {
  it('[DESIGN-single-flight][DESIGN-outage-503] sends one call for concurrent requests with one token and answers them all 503 after timeoutMs', async () => {
    const api = await startDrillApi()
    onTestFinished(() => api.close())
    running.resetRequests()
    running.setFault('introspect', { hang: true })
    const token = issuer.issueOpaque(read)
    const started = Date.now()
    const answers = await Promise.all(Array.from({ length: 30 }, () => api.get(token)))
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([503]))
    expect(running.requests('/introspect')).toBe(1)
    expect(Date.now() - started).toBeLessThan(NO_HANG_MS)
    running.setFault('introspect', undefined)
  })
})
