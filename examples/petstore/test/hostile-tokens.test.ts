import { expectRejectsHostileTokens } from '@tokenguard/test-tokens'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPetstoreApp } from '../src/app.js'
import { AUDIENCE, startIssuer, type LocalIssuer } from './helpers.js'

let local: LocalIssuer

beforeAll(async () => {
  local = await startIssuer()
})

afterAll(async () => {
  await local.running.close()
})

describe('PetStore against hostile tokens', () => {
  it('answers every hostile token on GET /api/pets as a correct resource server does', async () => {
    const app = createPetstoreApp({ jwt: { issuer: local.issuer.issuer, audience: AUDIENCE } })
    const checked = await expectRejectsHostileTokens(app, '/api/pets', {
      issuer: local.issuer,
      claims: { scope: 'pets:read' },
    })
    expect(checked).toEqual(expect.arrayContaining(['alg-none', 'hs256-public-key-pem', 'jku']))
  })

  it('answers the strict-only cases too when configured for RFC 9068 access tokens', async () => {
    const app = createPetstoreApp({
      jwt: { issuer: local.issuer.issuer, audience: AUDIENCE, profile: 'rfc9068' },
    })
    const checked = await expectRejectsHostileTokens(app, '/api/pets', {
      issuer: local.issuer,
      claims: { scope: 'pets:read' },
      strict: true,
    })
    expect(checked).toEqual(expect.arrayContaining(['typ-jwt', 'id-token']))
  })

  it('refuses them on POST /api/adoptions before reading the body', async () => {
    const app = createPetstoreApp({ jwt: { issuer: local.issuer.issuer, audience: AUDIENCE } })
    await expectRejectsHostileTokens(app, '/api/adoptions', {
      issuer: local.issuer,
      claims: { scope: 'adoptions:create' },
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    })
  })
})
