import type { FetchLike } from '@tokenguard/core'
import { createTestIssuer, DEFAULT_TEST_CLIENT, type TestIssuer } from '@tokenguard/test-tokens'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { serve, type LocalServer } from '@tokenguard/test-support/serve'
import { startApi } from './support/api.js'
import { startCanary } from './support/canary.js'

// OpenID Connect Discovery 1.0 §4 and RFC 8414 §3: how the suite finds an issuer's keys, and
// why metadata that names another issuer is never used. The metadata is served by a real
// HTTP server on 127.0.0.1 that records every path asked for.

const AUDIENCE = 'https://api.conformance.test'
const read = { scope: 'pets:read' }

let keys: TestIssuer

beforeAll(async () => {
  keys = await createTestIssuer({ algorithms: ['ES256'], audience: AUDIENCE })
})

interface MetadataServer extends LocalServer {
  readonly paths: string[]
}

/** Serves `documents` by path (JSON), the JWKS of `keys` at /keys, and 404 elsewhere. */
async function metadataServer(
  documents: (origin: string) => Record<string, unknown>,
): Promise<MetadataServer> {
  const paths: string[] = []
  let origin = ''
  const server = await serve((req, res) => {
    const path = req.url ?? '/'
    paths.push(path)
    const body = path === '/keys' ? keys.jwks() : documents(origin)[path]
    res.statusCode = body === undefined ? 404 : 200
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(body ?? { error: 'not_found' }))
  })
  origin = server.url
  return { ...server, paths }
}

async function tryToken(issuer: string): Promise<{ status: number; retryAfter?: string }> {
  const api = await startApi({ jwt: { issuer, audience: AUDIENCE } })
  const answer = await api.get(await keys.sign({ ...read, iss: issuer }))
  await api.close()
  return answer.retryAfter === undefined
    ? { status: answer.status }
    : { status: answer.status, retryAfter: answer.retryAfter }
}

describe('OpenID Connect Discovery 1.0 §4', () => {
  it('[OIDCD-4-well-known] reads the metadata at the issuer with /.well-known/openid-configuration appended after its path', async () => {
    const server = await metadataServer((origin) => ({
      '/tenants/a/.well-known/openid-configuration': {
        issuer: `${origin}/tenants/a`,
        jwks_uri: `${origin}/keys`,
      },
    }))
    onTestFinished(() => server.close())
    expect(await tryToken(`${server.url}/tenants/a`)).toEqual({ status: 200 })
    expect(server.paths).toEqual(['/tenants/a/.well-known/openid-configuration', '/keys'])
  })

  it('[OIDCD-4.3-issuer] never uses a document whose issuer is not identical to the configured one: 503, keys never fetched', async () => {
    const server = await metadataServer((origin) => ({
      '/.well-known/openid-configuration': { issuer: `${origin}/`, jwks_uri: `${origin}/keys` },
      '/.well-known/oauth-authorization-server': { issuer: origin, jwks_uri: `${origin}/keys` },
    }))
    onTestFinished(() => server.close())
    const answer = await tryToken(server.url)
    expect(answer.status).toBe(503)
    expect(answer.retryAfter).toMatch(/^\d+$/)
    // A document that answered but names another issuer is final: no fallback, no keys.
    expect(server.paths).toEqual(['/.well-known/openid-configuration'])
  })
})

describe('RFC 8414 §2 and §3', () => {
  it('[RFC8414-3.1-well-known] falls back to /.well-known/oauth-authorization-server inserted between host and issuer path', async () => {
    const server = await metadataServer((origin) => ({
      '/.well-known/oauth-authorization-server/tenants/b': {
        issuer: `${origin}/tenants/b`,
        jwks_uri: `${origin}/keys`,
      },
    }))
    onTestFinished(() => server.close())
    expect(await tryToken(`${server.url}/tenants/b`)).toEqual({ status: 200 })
    expect(server.paths).toEqual([
      '/tenants/b/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server/tenants/b',
      '/keys',
    ])
  })

  it('[RFC8414-3.3-issuer] never uses RFC 8414 metadata whose issuer differs from the one in its URL', async () => {
    const server = await metadataServer((origin) => ({
      '/.well-known/oauth-authorization-server/tenants/c': {
        issuer: `${origin}/tenants/other`,
        jwks_uri: `${origin}/keys`,
      },
    }))
    onTestFinished(() => server.close())
    expect((await tryToken(`${server.url}/tenants/c`)).status).toBe(503)
    expect(server.paths).not.toContain('/keys')
  })

  it('[RFC8414-2-https] refuses a discovered jwks_uri that is plain http on a host other than localhost', async () => {
    const server = await metadataServer((origin) => ({
      '/.well-known/openid-configuration': { issuer: origin, jwks_uri: 'http://keys.example/jwks' },
    }))
    onTestFinished(() => server.close())
    expect((await tryToken(server.url)).status).toBe(503)
  })

  it('[RFC8414-2-https] never fetches a discovered http jwks_uri or introspection_endpoint on loopback when the configured issuer is https', async () => {
    const HTTPS_ISSUER = 'https://login.conformance.test'
    const canary = await startCanary()
    onTestFinished(() => canary.close())
    const server = await metadataServer(() => ({
      '/.well-known/openid-configuration': {
        issuer: HTTPS_ISSUER,
        jwks_uri: `${canary.url}/internal/jwks`,
        introspection_endpoint: `${canary.url}/internal/introspect`,
      },
    }))
    onTestFinished(() => server.close())
    // The https issuer is answered by the metadata server over real HTTP; other URLs as they are.
    const fetch: FetchLike = (url, init) =>
      globalThis.fetch(
        url.startsWith(HTTPS_ISSUER) ? server.url + url.slice(HTTPS_ISSUER.length) : url,
        init,
      )
    const jwtApi = await startApi({ jwt: { issuer: HTTPS_ISSUER, audience: AUDIENCE, fetch } })
    onTestFinished(() => jwtApi.close())
    const jwt = await jwtApi.get(await keys.sign({ ...read, iss: HTTPS_ISSUER }))
    expect(jwt.status).toBe(503)
    const introspectionApi = await startApi({
      kind: 'introspection',
      introspection: {
        issuer: HTTPS_ISSUER,
        audience: AUDIENCE,
        clientAuth: {
          method: 'client_secret_basic',
          clientId: DEFAULT_TEST_CLIENT.client_id,
          clientSecret: DEFAULT_TEST_CLIENT.client_secret,
        },
        fetch,
      },
    })
    onTestFinished(() => introspectionApi.close())
    expect((await introspectionApi.get('opaque-token-0123456789')).status).toBe(503)
    expect(canary.hits()).toBe(0)
  })

  it('[RFC8414-2-introspection_endpoint] finds the introspection_endpoint in the issuer metadata when none is configured', async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'], audience: AUDIENCE })
    const running = await issuer.listen()
    onTestFinished(() => running.close())
    const api = await startApi({
      kind: 'introspection',
      introspection: {
        issuer: issuer.issuer,
        audience: AUDIENCE,
        clientAuth: {
          method: 'client_secret_basic',
          clientId: DEFAULT_TEST_CLIENT.client_id,
          clientSecret: DEFAULT_TEST_CLIENT.client_secret,
        },
      },
    })
    onTestFinished(() => api.close())
    expect((await api.get(issuer.issueOpaque(read))).status).toBe(200)
    expect(running.requests('/.well-known/openid-configuration')).toBe(1)
    expect(running.requests('/introspect')).toBe(1)
  })
})
