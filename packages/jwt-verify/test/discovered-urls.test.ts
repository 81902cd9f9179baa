import type { FetchLike } from '@tokenguard/core'
import { serve } from '@tokenguard/test-support/serve'
import { createTestIssuer } from '@tokenguard/test-tokens'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createJwtVerifier } from '../src/index.js'

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
  it('refuses an http jwks_uri on 127.0.0.1 from an https issuer: 503, and the internal service is never called', async () => {
    const { hits, fetchThroughIssuer } = await setUp()
    const verifier = createJwtVerifier({
      issuer: ISSUER,
      audience: 'https://api.test',
      fetch: fetchThroughIssuer,
    })
    const token =
      'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIn0.c2ln'
    const error: unknown = await Promise.resolve(verifier.verify(token)).catch(
      (caught: unknown) => caught,
    )
    expect(error).toMatchObject({ status: 503 })
    expect(String((error as Error).cause)).toMatch(/must use https/)
    expect(hits()).toBe(0)
  })

  it('still follows discovery to http endpoints when the configured issuer is itself http on loopback', async () => {
    const issuer = await createTestIssuer({ audience: 'https://api.test' })
    const running = await issuer.listen()
    onTestFinished(() => running.close())
    const verifier = createJwtVerifier({ issuer: issuer.issuer, audience: 'https://api.test' })
    const auth = await verifier.verify(await issuer.sign({ sub: 'alice' }))
    expect(auth.subject).toBe('alice')
  })
})
