import { OAuthError, type FetchLike } from '@tokenguard/core'
import { UpstreamError } from '@tokenguard/core/internal'
import { createIntrospector } from '@tokenguard/introspect'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
// The parser is internal to the package; it is reached by path, as its own tests would.
import { parseIntrospectionResponse } from '../../packages/introspect/src/internal/parse-response.js'
import { anyString, RUNS } from './support.js'

// The introspection response parser (RFC 7662 §2.2) and the client around it: whatever the
// endpoint answers, a token is active only when `active` is the boolean true and the members
// have their types; anything else is a broken upstream (503) or an invalid token (401).

const ISSUER = 'https://as.property.test'
const AUDIENCE = 'https://api.property.test'
const nowSec = Math.floor(Date.now() / 1000)

const claimValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 2 }),
)

/** Introspection answers: near-valid ones with a twist, and anything at all. */
const answer = fc.oneof(
  fc.record(
    {
      active: fc.oneof(fc.constant(true), fc.constant(false), claimValue),
      scope: fc.oneof(fc.constant('pets:read'), claimValue),
      iss: fc.oneof(fc.constant(ISSUER), claimValue),
      aud: fc.oneof(fc.constant(AUDIENCE), fc.constant([AUDIENCE, 'x']), claimValue),
      exp: fc.oneof(fc.constant(nowSec + 300), fc.constant(nowSec - 300), claimValue),
      nbf: claimValue,
      sub: claimValue,
      client_id: claimValue,
      token_type: fc.oneof(fc.constantFrom('Bearer', 'refresh_token', 'N_A'), claimValue),
    },
    { requiredKeys: ['active'] },
  ),
  fc.jsonValue({ maxDepth: 3 }),
  fc.anything(),
)

describe('parseIntrospectionResponse', () => {
  it('[DESIGN-no-5xx-garbage] throws nothing but UpstreamError, and calls a token active only when active is true and the members are well typed', () => {
    fc.assert(
      fc.property(answer, (body) => {
        let parsed
        try {
          parsed = parseIntrospectionResponse(body)
        } catch (error) {
          expect(error).toBeInstanceOf(UpstreamError)
          return
        }
        const claims = body as Record<string, unknown>
        if (!parsed.active) {
          expect(claims.active).toBe(false)
          return
        }
        expect(claims.active).toBe(true)
        for (const name of ['scope', 'client_id', 'sub', 'iss', 'token_type']) {
          if (Object.hasOwn(claims, name)) expect(typeof claims[name]).toBe('string')
        }
        for (const name of ['exp', 'nbf']) {
          if (Object.hasOwn(claims, name)) expect(Number.isFinite(claims[name])).toBe(true)
        }
      }),
      RUNS,
    )
  })
})

describe('createIntrospector', () => {
  it('[DESIGN-no-5xx-garbage] answers only an AuthContext, a 401 or a 503 OAuthError, whatever the endpoint sends', async () => {
    let next: { status: number; text: string } = { status: 200, text: '{}' }
    const fetch: FetchLike = () => Promise.resolve(new Response(next.text, { status: next.status }))
    const introspector = createIntrospector({
      issuer: ISSUER,
      audience: AUDIENCE,
      introspectionEndpoint: `${ISSUER}/introspect`,
      clientAuth: { method: 'client_secret_basic', clientId: 'api', clientSecret: 'secret' },
      cacheTtlMs: 0,
      inactiveCacheTtlMs: 0,
      fetch,
    })
    const body = fc.oneof(
      answer.map((value) => {
        try {
          return JSON.stringify(value) ?? 'undefined'
        } catch {
          return '{"active":'
        }
      }),
      anyString(100),
      // A JSON __proto__ member is an own member: it must neither pollute nor change the answer.
      fc.constant(
        `{"active":true,"iss":"${ISSUER}","aud":"${AUDIENCE}","exp":${nowSec + 300},"__proto__":{"active":false,"scope":7}}`,
      ),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(200, 200, 200, 200, 400, 401, 500, 503),
        body,
        fc.stringMatching(/^[A-Za-z0-9._~+/-]{1,40}$/),
        async (status, text, token) => {
          next = { status, text }
          const outcome = await introspector.introspect(token).catch((error: unknown) => error)
          if (outcome instanceof OAuthError) {
            expect([401, 503]).toContain(outcome.status)
            if (status !== 200) expect(outcome.status).toBe(503)
            return
          }
          expect(outcome).toMatchObject({ source: 'introspection' })
          expect(status).toBe(200)
          expect((JSON.parse(text) as { active?: unknown }).active).toBe(true)
        },
      ),
      { ...RUNS, numRuns: 200 },
    )
    expect(({} as Record<string, unknown>).scope).toBeUndefined()
  })
})
