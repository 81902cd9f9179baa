import type { FetchLike } from '@tokenguard/core'
import { serve } from '@tokenguard/test-support/serve'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createIntrospector } from '../src/index.js'

// The loopback exemption belongs to what the operator configured, not to what a discovery
// document says: an https issuer whose metadata names http://127.0.0.1/... is refused.

const ISSUER = 'https://issuer.example'

/** An internal service on 127.0.0.1 that must never be reached, and metadata that names it. */
async function setUp() {
  let hits = 0
  const internal = await serve((_req, res) => {
    hits++
    res.setHeader('content-type', 'application/json')
    res.end('{"keys":[],"active":true}')
  })
  onTestFinished(() => internal.close())
  const metadata = {
    issuer: ISSUER,
    jwks_uri: `${internal.url}/internal/jwks`,
    introspection_endpoint: `${internal.url}/internal/introspect`,
  }
  // The issuer's own https endpoints are answered here; anything else goes out for real.
  const fetchThroughIssuer: FetchLike = (input, init) =>
    String(input).startsWith(`${ISSUER}/.well-known/`)
      ? Promise.resolve(
          new Response(JSON.stringify(metadata), {
            headers: { 'content-type': 'application/json' },
          }),
        )
      : fetch(input, init)
  return { hits: () => hits, fetchThroughIssuer }
}

describe('URLs named by discovery', () => {
  it('refuses an http introspection_endpoint on 127.0.0.1 from an https issuer', async () => {
    const { hits, fetchThroughIssuer } = await setUp()
    const introspector = createIntrospector({
      issuer: ISSUER,
      audience: 'https://api.test',
      clientAuth: { method: 'client_secret_basic', clientId: 'api', clientSecret: 's'.repeat(32) },
      fetch: fetchThroughIssuer,
    })
    await expect(introspector.introspect('opaque-token-value-123')).rejects.toMatchObject({
      status: 503,
    })
    expect(hits()).toBe(0)
  })
})
