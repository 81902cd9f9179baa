import { errorLike } from '@tokenguard/test-support/errors'
import request from 'supertest'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { serve, type LocalServer } from '@tokenguard/test-support/serve'
import { createPetstoreApp, type PetstoreAppOptions } from '../src/app.js'
import { AUDIENCE, serveApp, startIssuer, type LocalIssuer } from './helpers.js'

const WELL_KNOWN = '/.well-known/oauth-protected-resource'
const METADATA = `${AUDIENCE}${WELL_KNOWN}`
const SCOPE_DESCRIPTION = 'The access token does not have the scope this resource requires'

let local: LocalIssuer
let app: LocalServer

beforeAll(async () => {
  local = await startIssuer()
})

afterAll(async () => {
  await local.running.close()
})

/** Serves the PetStore with its metadata for `resource`, and the given options. */
async function serveWithMetadata(
  options: Partial<PetstoreAppOptions> = {},
  resource = AUDIENCE,
): Promise<void> {
  app = await serve(
    createPetstoreApp({
      jwt: { issuer: local.issuer.issuer, audience: AUDIENCE },
      resourceMetadata: { resource, authorization_servers: [local.issuer.issuer] },
      ...options,
    }),
  )
}

describe('GET /.well-known/oauth-protected-resource', () => {
  afterEach(async () => {
    await app.close()
  })

  it('serves the metadata document built from the configuration, without a token', async () => {
    await serveWithMetadata({ dpop: { publicOrigin: AUDIENCE } })
    const res = await request(app.url).get(WELL_KNOWN)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.headers['cache-control']).toBe('public, max-age=3600')
    expect(res.text).toBe(
      JSON.stringify({
        resource: AUDIENCE,
        authorization_servers: [local.issuer.issuer],
        scopes_supported: ['pets:read', 'pets:write', 'adoptions:create', 'pets:stats'],
        bearer_methods_supported: ['header'],
        dpop_signing_alg_values_supported: [
          'RS256',
          'RS384',
          'RS512',
          'PS256',
          'PS384',
          'PS512',
          'ES256',
          'ES384',
          'ES512',
          'EdDSA',
          'Ed25519',
        ],
      }),
    )
  })

  it('lists the DPoP algorithms the app is configured with, and none without DPoP', async () => {
    await serveWithMetadata({ dpop: { publicOrigin: AUDIENCE, algorithms: ['ES256', 'EdDSA'] } })
    const withDpop = await request(app.url).get(WELL_KNOWN)
    expect(withDpop.body.dpop_signing_alg_values_supported).toEqual(['ES256', 'EdDSA'])
    const challenge = await request(app.url).get('/api/pets')
    expect(challenge.headers['www-authenticate']).toBe(
      `Bearer realm="petstore", resource_metadata="${METADATA}", DPoP realm="petstore", algs="ES256 EdDSA"`,
    )
    await app.close()
    await serveWithMetadata()
    const withoutDpop = await request(app.url).get(WELL_KNOWN)
    expect(Object.keys(withoutDpop.body as object)).toEqual([
      'resource',
      'authorization_servers',
      'scopes_supported',
      'bearer_methods_supported',
    ])
  })

  it('lists query among the bearer methods when the API reads tokens from the query', async () => {
    await serveWithMetadata({
      jwt: { issuer: local.issuer.issuer, audience: AUDIENCE, allowQueryToken: true },
    })
    const res = await request(app.url).get(WELL_KNOWN)
    expect(res.body.bearer_methods_supported).toEqual(['header', 'query'])
  })

  it('serves it at the path-inserted URL when the resource has a path (RFC 9728 §3.1)', async () => {
    const resource = `${AUDIENCE}/v1`
    await serveWithMetadata({}, resource)
    const res = await request(app.url).get(`${WELL_KNOWN}/v1`)
    expect(res.status).toBe(200)
    expect(res.body.resource).toBe(resource)
    // The root document would describe another resource, https://api.petstore.test itself.
    expect((await request(app.url).get(WELL_KNOWN)).status).toBe(404)
    const challenge = await request(app.url).get('/api/pets')
    expect(challenge.headers['www-authenticate']).toBe(
      `Bearer realm="petstore", resource_metadata="${AUDIENCE}${WELL_KNOWN}/v1"`,
    )
  })

  it('answers 405 with Allow to another method', async () => {
    await serveWithMetadata()
    const res = await request(app.url).post(WELL_KNOWN)
    expect(res.status).toBe(405)
    expect(res.headers.allow).toBe('GET, HEAD')
  })

  it('answers a JSON 404 when no metadata is configured, and challenges do not name one', async () => {
    app = await serveApp(local)
    expect((await request(app.url).get(WELL_KNOWN)).status).toBe(404)
    const challenge = await request(app.url).get('/api/pets')
    expect(challenge.headers['www-authenticate']).toBe('Bearer realm="petstore"')
  })
})

describe.each([
  { method: 'get', path: '/api/pets', scope: 'pets:read', otherScope: 'pets:write' },
  { method: 'post', path: '/api/pets', scope: 'pets:write', otherScope: 'pets:read' },
  { method: 'post', path: '/api/adoptions', scope: 'adoptions:create', otherScope: 'pets:read' },
] as const)(
  '$method $path challenges with resource metadata',
  ({ method, path, scope, otherScope }) => {
    afterEach(async () => {
      await app.close()
    })

    it('names the metadata in the 401 challenge when no token is sent', async () => {
      await serveWithMetadata()
      const res = await request(app.url)[method](path)
      expect(res.status).toBe(401)
      expect(res.headers['www-authenticate']).toBe(
        `Bearer realm="petstore", resource_metadata="${METADATA}"`,
      )
    })

    it('names the metadata in the 401 invalid_token challenge', async () => {
      await serveWithMetadata()
      const token = await local.issuer.sign({ scope }, { expiresInSec: -60 })
      const res = await request(app.url)[method](path).set('Authorization', `Bearer ${token}`)
      expect(res.status).toBe(401)
      expect(res.headers['www-authenticate']).toBe(
        'Bearer realm="petstore", error="invalid_token", ' +
          `error_description="The access token expired", resource_metadata="${METADATA}"`,
      )
    })

    it('names the metadata in the 403 insufficient_scope challenge', async () => {
      await serveWithMetadata()
      const token = await local.issuer.sign({ scope: otherScope })
      const res = await request(app.url)[method](path).set('Authorization', `Bearer ${token}`)
      expect(res.status).toBe(403)
      expect(res.headers['www-authenticate']).toBe(
        'Bearer realm="petstore", error="insufficient_scope", ' +
          `error_description="${SCOPE_DESCRIPTION}", resource_metadata="${METADATA}", scope="${scope}"`,
      )
    })
  },
)

describe('createPetstoreApp resourceMetadata option', () => {
  it('throws a TypeError at start-up for a resource that is not an https URL', () => {
    expect(() =>
      createPetstoreApp({
        jwt: { issuer: local.issuer.issuer, audience: AUDIENCE },
        resourceMetadata: { resource: 'http://api.petstore.test', authorization_servers: [] },
      }),
    ).toThrow(
      errorLike(TypeError, /^@tokenguard\/core: protectedResourceMetadata resource must use https/),
    )
  })
})
