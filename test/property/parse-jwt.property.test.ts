import { OAuthError } from '@tokenguard/core'
import { createJwksCache, createJwtVerifier } from '@tokenguard/jwt-verify'
import { parseJwt } from '@tokenguard/jwt-verify/internal'
import { createTestIssuer, type TestIssuer } from '@tokenguard/test-tokens'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { anyString, base64urlText, RUNS } from './support.js'

// The JWT structural parser and the verifier behind it: any string is either decoded to the
// header and payload it spells, or refused with a 401 OAuthError; nothing else escapes.

const b64url = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64url')
const json = (value: unknown): string => b64url(JSON.stringify(value))

const jsonObject = fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), {
  maxKeys: 6,
})

/** Garbage, base64url triplets, and JWTs with random JSON header and payload. */
const tokenLike = (issuer: () => TestIssuer) =>
  fc.oneof(
    anyString(200),
    fc.tuple(base64urlText(), base64urlText(), base64urlText()).map((parts) => parts.join('.')),
    fc.array(base64urlText(30), { minLength: 1, maxLength: 7 }).map((parts) => parts.join('.')),
    fc
      .tuple(
        fc.record(
          {
            alg: fc.constantFrom('ES256', 'RS256', 'HS256', 'none', 'EdDSA', 'PS256', 'ES384'),
            kid: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(issuer().key().kid)),
            typ: fc.constantFrom('at+jwt', 'JWT', 'dpop+jwt', 7),
            crit: fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 }),
            jku: fc.webUrl(),
          },
          { requiredKeys: ['alg'] },
        ),
        fc.record(
          {
            iss: fc.oneof(fc.constant(issuer().issuer), fc.string({ maxLength: 20 })),
            aud: fc.oneof(fc.constant(issuer().audience), fc.array(fc.string(), { maxLength: 3 })),
            exp: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 10 })),
            nbf: fc.integer(),
            sub: fc.jsonValue({ maxDepth: 1 }),
          },
          { requiredKeys: [] },
        ),
        fc.uint8Array({ minLength: 0, maxLength: 132 }),
      )
      .map(
        ([header, payload, signature]) => `${json(header)}.${json(payload)}.${b64url(signature)}`,
      ),
  )

let issuer: TestIssuer

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'], audience: 'https://api.property.test' })
})

describe('parseJwt', () => {
  it('[DESIGN-no-5xx-garbage] throws nothing but a 401 OAuthError for any string', () => {
    fc.assert(
      fc.property(
        tokenLike(() => issuer),
        (token) => {
          try {
            const parsed = parseJwt(token)
            expect(typeof parsed.header).toBe('object')
            expect(typeof parsed.payload).toBe('object')
          } catch (error) {
            expect(error).toBeInstanceOf(OAuthError)
            expect((error as OAuthError).status).toBe(401)
          }
        },
      ),
      RUNS,
    )
  })

  it('decodes every canonical compact JWS of JSON objects back to its header, payload and signature', () => {
    fc.assert(
      fc.property(
        jsonObject,
        jsonObject,
        fc.uint8Array({ minLength: 1, maxLength: 96 }),
        (header, payload, signature) => {
          const parsed = parseJwt(`${json(header)}.${json(payload)}.${b64url(signature)}`)
          expect(parsed.header).toEqual(JSON.parse(JSON.stringify(header)))
          expect(parsed.payload).toEqual(JSON.parse(JSON.stringify(payload)))
          expect(Buffer.from(parsed.signature)).toEqual(Buffer.from(signature))
        },
      ),
      RUNS,
    )
  })
})

describe('createJwtVerifier', () => {
  it('[DESIGN-no-5xx-garbage] rejects any garbage or forged token with a 401 OAuthError only, and never fetches per token', async () => {
    let fetches = 0
    const jwks = createJwksCache({
      jwksUri: 'https://issuer.property.test/jwks',
      cooldownMs: 60_000,
      fetch: () => {
        fetches++
        return Promise.resolve(Response.json(issuer.jwks()))
      },
    })
    const verifier = createJwtVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwks })
    await verifier.hydrate()
    await fc.assert(
      fc.asyncProperty(
        tokenLike(() => issuer),
        async (token) => {
          const outcome = await verifier.verify(token).then(
            () => 'accepted',
            (error: unknown) => error,
          )
          expect(outcome).toBeInstanceOf(OAuthError)
          expect((outcome as OAuthError).status).toBe(401)
        },
      ),
      RUNS,
    )
    // The warm-up, and at most one refetch for an unknown kid within the cooldown.
    expect(fetches).toBeLessThanOrEqual(2)
  })
})
