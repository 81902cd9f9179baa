import { errorLike } from '@tokenguard/test-support/errors'
import { createJwtVerifier } from '@tokenguard/jwt-verify'
import type { JwtVerifier } from '@tokenguard/jwt-verify'
import { decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestIssuer } from '../src/index.js'
import type { RunningIssuer, TestIssuer } from '../src/index.js'

describe('TestIssuer.rotateKeys seen through the JWT verifier', () => {
  let clock = 1_800_000_000_000
  let issuer: TestIssuer
  let running: RunningIssuer
  let verifier: JwtVerifier

  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256', 'EdDSA'], now: () => clock })
    running = await issuer.listen()
    verifier = createJwtVerifier({
      issuer: running.url,
      audience: issuer.audience,
      jwksUri: running.jwksUri,
      profile: 'rfc9068',
      now: () => clock,
      // Every verify consults the JWKS cache: the verifier's result cache would notice a
      // removed key only at the next JWKS refresh that some other token triggers.
      cacheMaxEntries: 0,
      // A one-minute JWKS cache, not served stale, and refetched at once for a new kid.
      jwksOptions: { maxAgeMs: 60_000, refreshAheadMs: 1_000, cooldownMs: 0, staleIfErrorMs: 0 },
    })
  })

  afterAll(() => running.close())

  it('accepts old and new tokens during the grace period, and old ones no more once the verifier refetches', async () => {
    const old = await issuer.sign({}, { expiresInSec: 3600 })
    const oldKid = issuer.key('ES256').kid
    await expect(verifier.verify(old)).resolves.toMatchObject({ subject: 'user-123' })

    const added = await issuer.rotateKeys({ graceMs: 300_000 })
    expect(added.map((key) => key.alg)).toEqual(['ES256', 'EdDSA'])
    expect(issuer.jwks().keys).toHaveLength(4)
    const fresh = await issuer.sign({}, { expiresInSec: 3600 })
    expect(decodeProtectedHeader(fresh).kid).toBe(added[0]!.kid)
    // The new kid is unknown to the cached JWKS: the verifier refetches and finds it.
    await expect(verifier.verify(fresh)).resolves.toBeDefined()
    clock += 299_000
    await expect(verifier.verify(old)).resolves.toBeDefined()
    expect(issuer.introspect(old).active).toBe(true)

    clock += 2_000
    expect(issuer.jwks().keys.map((jwk) => jwk.kid)).toEqual(added.map((key) => key.kid))
    expect(issuer.introspect(old)).toEqual({ active: false })
    const served = (await (await fetch(running.jwksUri)).json()) as { keys: { kid: string }[] }
    expect(served.keys.map((jwk) => jwk.kid)).not.toContain(oldKid)
    // The verifier fetched the JWKS 2 s ago (above) and may use it for its 60 s max age.
    await expect(verifier.verify(old)).resolves.toBeDefined()
    clock += 60_000
    await expect(verifier.verify(old)).rejects.toMatchObject({
      status: 401,
      code: 'invalid_token',
      reason: 'unknown_kid',
    })
    await expect(verifier.verify(fresh)).resolves.toBeDefined()
  })

  it('removes the replaced keys at once with graceMs 0, and rotates only the named algorithms', async () => {
    const es = issuer.key('ES256').kid
    const ed = issuer.key('EdDSA').kid
    const [added] = await issuer.rotateKeys({ graceMs: 0, algorithms: ['EdDSA'] })
    const kids = issuer.jwks().keys.map((jwk) => jwk.kid)
    expect(kids).toEqual([es, added!.kid])
    expect(kids).not.toContain(ed)
  })

  it('keeps the earlier removal time of a key rotated twice', async () => {
    const first = issuer.key('ES256').kid
    await issuer.rotateKeys({ graceMs: 10_000, algorithms: ['ES256'] })
    await issuer.rotateKeys({ graceMs: 600_000, algorithms: ['ES256'] })
    clock += 10_000
    expect(issuer.jwks().keys.map((jwk) => jwk.kid)).not.toContain(first)
  })

  it('refuses a negative grace period, an unknown algorithm and unknown options', async () => {
    await expect(issuer.rotateKeys({ graceMs: -1 })).rejects.toThrow(RangeError)
    await expect(issuer.rotateKeys({ algorithms: ['HS256' as never] })).rejects.toThrow(RangeError)
    await expect(issuer.rotateKeys({ algorithms: ['HS256' as never] })).rejects.toThrow(
      errorLike(RangeError, /unsupported algorithm "HS256"/),
    )
    await expect(issuer.rotateKeys({ grace: 5 } as never)).rejects.toThrow(TypeError)
    await expect(issuer.rotateKeys({ grace: 5 } as never)).rejects.toThrow(
      errorLike(TypeError, /unknown rotateKeys option "grace"/),
    )
  })
})
