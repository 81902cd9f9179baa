import { generateKeyPairSync, type JsonWebKey } from 'node:crypto'
import type { FetchLike } from '@tokenguard/core'

/** A public JWK made with node:crypto, with a kid. */
export function makeJwk(
  kind: 'rsa' | 'ec' | 'ed25519' | 'rsa1024' = 'rsa',
  kid = `key-${kind}-${Math.random().toString(36).slice(2, 8)}`,
): JsonWebKey & { kid: string } {
  const { publicKey } =
    kind === 'rsa' || kind === 'rsa1024'
      ? generateKeyPairSync('rsa', { modulusLength: kind === 'rsa' ? 2048 : 1024 })
      : kind === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519')
  return { ...publicKey.export({ format: 'jwk' }), kid }
}

/** What the fake upstream answers for one URL. */
export type Answer = { status?: number; body: unknown } | 'network-error' | 'hang'

/**
 * An injected fetch that serves documents from a table, counts calls per URL, and can
 * fail or hang on demand. A unit-test stand-in for the issuer, not for the code under test.
 */
export function fakeUpstream(routes: Record<string, Answer>) {
  const calls = new Map<string, number>()
  const fetch: FetchLike = (url, init) => {
    calls.set(url, (calls.get(url) ?? 0) + 1)
    const answer = routes[url] ?? { status: 404, body: { error: 'not found' } }
    if (answer === 'network-error') return Promise.reject(new TypeError('fetch failed'))
    if (answer === 'hang') {
      return new Promise((_resolve, reject) => {
        init.signal.addEventListener('abort', () => reject(init.signal.reason as Error))
      })
    }
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)
    return Promise.resolve(new Response(text, { status: answer.status ?? 200 }))
  }
  return {
    fetch,
    routes,
    calls: (url?: string) =>
      url === undefined ? [...calls.values()].reduce((a, b) => a + b, 0) : (calls.get(url) ?? 0),
  }
}

/** A clock the test moves by hand. */
export function manualClock(start = 1_700_000_000_000) {
  let now = start
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms
    },
  }
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
}
