import { errorLike } from '@tokenguard/test-support/errors'
import express from 'express'
import request from 'supertest'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AccessTokenScheme } from '@tokenguard/core'
import { createDpopClient, type DpopClient } from '@tokenguard/test-tokens'
import { serve, type LocalServer } from '@tokenguard/test-support/serve'
import { createPetstoreApp, type PetstoreAppOptions } from '../src/app.js'
import { createPetStore, type PetStore } from '../src/pets.js'
import { AUDIENCE, introspectionOptions, startIssuer, type LocalIssuer } from './helpers.js'

// The app runs behind a (pretend) proxy: clients call the audience's origin, so proofs name
// it, while the tests reach the app on 127.0.0.1.
const PUBLIC_ORIGIN = AUDIENCE
const ADOPTIONS_URL = `${PUBLIC_ORIGIN}/api/adoptions`
const METADATA = `${AUDIENCE}/.well-known/oauth-protected-resource`
const ALGS = 'RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA Ed25519'

let local: LocalIssuer
let client: DpopClient
let app: LocalServer
let store: PetStore
/** How each answered request was authenticated: `req.auth.scheme`, or `undefined`. */
let schemes: (AccessTokenScheme | undefined)[]

beforeAll(async () => {
  local = await startIssuer()
  client = await createDpopClient()
})

afterAll(async () => {
  await local.running.close()
})

/** Serves the PetStore with DPoP and its metadata, behind an app that records `req.auth`. */
async function serveDpopApp(options: Omit<PetstoreAppOptions, 'jwt'> = {}): Promise<void> {
  store = createPetStore()
  schemes = []
  const outer = express()
  outer.use((req, res, next) => {
    res.on('finish', () => schemes.push(req.auth?.scheme))
    next()
  })
  outer.use(
    createPetstoreApp({
      jwt: { issuer: local.issuer.issuer, audience: AUDIENCE },
      dpop: { publicOrigin: PUBLIC_ORIGIN },
      resourceMetadata: { resource: AUDIENCE, authorization_servers: [local.issuer.issuer] },
      store,
      ...options,
    }),
  )
  app = await serve(outer)
}

function boundToken(scope = 'adoptions:create'): Promise<string> {
  return local.issuer.sign({ sub: 'alice', scope, cnf: { jkt: client.jkt } })
}

function adopt(petId: number, headers: Record<string, string>): request.Test {
  return request(app.url).post('/api/adoptions').set(headers).send({ petId })
}

describe('createPetstoreApp with dpop', () => {
  afterEach(async () => {
    await app.close()
  })

  it('answers 201 to a bound token with a proof for this request, authenticated as dpop', async () => {
    await serveDpopApp()
    const token = await boundToken()
    const proof = await client.proof({ method: 'POST', url: ADOPTIONS_URL, accessToken: token })
    const res = await adopt(2, { Authorization: `DPoP ${token}`, DPoP: proof })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ petId: 2, adopter: 'alice' })
    expect(schemes).toEqual(['dpop'])
  })

  it('answers 401 invalid_dpop_proof with the DPoP challenge to a bound token without a proof', async () => {
    await serveDpopApp()
    const res = await adopt(1, { Authorization: `DPoP ${await boundToken()}` })
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(
      'DPoP realm="petstore", error="invalid_dpop_proof", ' +
        `error_description="The request has no DPoP proof", resource_metadata="${METADATA}", ` +
        `algs="${ALGS}", Bearer realm="petstore"`,
    )
    expect(res.body).toEqual({
      error: 'invalid_dpop_proof',
      error_description: 'The request has no DPoP proof',
    })
    expect(store.listAdoptions()).toEqual([])
  })

  it('answers 401 invalid_dpop_proof to a replayed proof, and adopts only once', async () => {
    await serveDpopApp()
    const token = await boundToken()
    const proof = await client.proof({ method: 'POST', url: ADOPTIONS_URL, accessToken: token })
    const headers = { Authorization: `DPoP ${token}`, DPoP: proof }
    expect((await adopt(1, headers)).status).toBe(201)
    const replay = await adopt(2, headers)
    expect(replay.status).toBe(401)
    expect(replay.headers['www-authenticate']).toBe(
      'DPoP realm="petstore", error="invalid_dpop_proof", ' +
        `error_description="The DPoP proof was already used", resource_metadata="${METADATA}", ` +
        `algs="${ALGS}", Bearer realm="petstore"`,
    )
    expect(store.listAdoptions().map((adoption) => adoption.petId)).toEqual([1])
  })

  it('answers 401 invalid_token to a bound token sent as a bearer token (RFC 9449 §7.2)', async () => {
    await serveDpopApp()
    const res = await adopt(1, { Authorization: `Bearer ${await boundToken()}` })
    const description = 'This access token is DPoP-bound: send it with the DPoP scheme and a proof'
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="petstore", error="invalid_token", error_description="${description}", ` +
        `resource_metadata="${METADATA}", DPoP realm="petstore", algs="${ALGS}"`,
    )
    expect(res.body).toEqual({ error: 'invalid_token', error_description: description })
    expect(store.listAdoptions()).toEqual([])
  })

  it('answers 401 with a Bearer and a DPoP challenge when no token is sent', async () => {
    await serveDpopApp()
    const res = await adopt(1, {})
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="petstore", resource_metadata="${METADATA}", DPoP realm="petstore", algs="${ALGS}"`,
    )
  })

  it('answers 201 to an unbound token sent as a bearer token, as without DPoP', async () => {
    await serveDpopApp()
    const token = await local.issuer.sign({ scope: 'adoptions:create' })
    const res = await adopt(1, { Authorization: `Bearer ${token}` })
    expect(res.status).toBe(201)
    expect(schemes).toEqual(['bearer'])
  })

  it('answers 401 invalid_token to an unbound token sent under the DPoP scheme', async () => {
    await serveDpopApp()
    const token = await local.issuer.sign({ scope: 'adoptions:create' })
    const proof = await client.proof({ method: 'POST', url: ADOPTIONS_URL, accessToken: token })
    const res = await adopt(1, { Authorization: `DPoP ${token}`, DPoP: proof })
    expect(res.status).toBe(401)
    expect(res.body).toEqual({
      error: 'invalid_token',
      error_description: 'The access token is not DPoP-bound',
    })
  })

  it('answers 401 invalid_dpop_proof to a proof for the listening address, not the public origin', async () => {
    await serveDpopApp()
    const token = await boundToken()
    const url = `${app.url}/api/adoptions`
    const proof = await client.proof({ method: 'POST', url, accessToken: token })
    const res = await adopt(1, { Authorization: `DPoP ${token}`, DPoP: proof })
    expect(res.status).toBe(401)
    expect(res.body.error).toBe('invalid_dpop_proof')
  })

  it('answers 401 invalid_dpop_proof to a proof made with another key than the bound one', async () => {
    await serveDpopApp()
    const token = await boundToken()
    const other = await createDpopClient()
    const proof = await other.proof({ method: 'POST', url: ADOPTIONS_URL, accessToken: token })
    const res = await adopt(1, { Authorization: `DPoP ${token}`, DPoP: proof })
    expect(res.status).toBe(401)
    expect(res.body).toEqual({
      error: 'invalid_dpop_proof',
      error_description: 'The DPoP proof key is not the key the token is bound to',
    })
  })

  it('refuses every kind of broken proof with 401, and adopts nothing', async () => {
    await serveDpopApp()
    const token = await boundToken()
    const broken = await client.brokenProofs({
      method: 'POST',
      url: ADOPTIONS_URL,
      accessToken: token,
    })
    for (const { name, proof } of broken) {
      const res = await adopt(1, { Authorization: `DPoP ${token}`, DPoP: proof })
      expect([name, res.status]).toEqual([name, 401])
    }
    expect(store.listAdoptions()).toEqual([])
  })

  it('asks for the proof on every /api route, so a bound token cannot pass as bearer elsewhere', async () => {
    await serveDpopApp()
    const token = await boundToken('pets:read')
    const url = `${PUBLIC_ORIGIN}/api/pets`
    const proof = await client.proof({ method: 'GET', url, accessToken: token })
    const withProof = await request(app.url)
      .get('/api/pets')
      .set({ Authorization: `DPoP ${token}`, DPoP: proof })
    expect(withProof.status).toBe(200)
    const asBearer = await request(app.url).get('/api/pets').set('Authorization', `Bearer ${token}`)
    expect(asBearer.status).toBe(401)
    expect(asBearer.body.error).toBe('invalid_token')
  })

  it('accepts an opaque token bound in its introspection response, with a proof', async () => {
    await serveDpopApp({ introspection: introspectionOptions(local) })
    const token = local.issuer.issueOpaque({
      sub: 'alice',
      scope: 'adoptions:create',
      cnf: { jkt: client.jkt },
    })
    const proof = await client.proof({ method: 'POST', url: ADOPTIONS_URL, accessToken: token })
    expect((await adopt(1, { Authorization: `Bearer ${token}` })).status).toBe(401)
    const res = await adopt(1, { Authorization: `DPoP ${token}`, DPoP: proof })
    expect(res.status).toBe(201)
    expect(schemes).toEqual([undefined, 'dpop'])
  })
})

describe('createPetstoreApp dpop option', () => {
  it('throws a TypeError at start-up without publicOrigin or trustProxy', () => {
    expect(() =>
      createPetstoreApp({ jwt: { issuer: local.issuer.issuer, audience: AUDIENCE }, dpop: {} }),
    ).toThrow(errorLike(TypeError, /^@tokenguard\/dpop: give publicOrigin/))
  })

  it('throws a TypeError at start-up when DPoP is given as jwt.dpop', () => {
    const jwt = { issuer: local.issuer.issuer, audience: AUDIENCE, dpop: {} }
    expect(() => createPetstoreApp({ jwt })).toThrow(
      errorLike(
        TypeError,
        /^petstore: give DPoP as the dpop option of createPetstoreApp, not jwt\.dpop$/,
      ),
    )
  })
})
