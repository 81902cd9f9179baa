import { oauthErrorHandler } from '@tokenguard/core'
import { introspectionBearer } from '@tokenguard/introspect'
import { createMockAuthorizationServer } from '@tokenguard/mock-authorization-server'
import { serve } from '@tokenguard/test-support/serve'
import express from 'express'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createServiceTokens, createTokenFetch, discoverAuthorizationServer } from '../src/index.js'

const SECRET = 'a-long-enough-secret-for-the-stats-service'
const API_SECRET = 'a-long-enough-secret-for-the-pets-api'

/** The mock authorization server with opaque tokens, an introspection-protected API, and a recorder of what a third party receives. */
async function setUp() {
  const server = await createMockAuthorizationServer({
    clients: [
      { client_id: 'stats', client_secret: SECRET, scope: 'pets:stats', token_format: 'opaque' },
      { client_id: 'pets-api', client_secret: API_SECRET },
    ],
  })
  const running = await server.listen()
  onTestFinished(() => running.close())
  const seen: (string | undefined)[] = []
  const app = express()
  app.use((req, _res, next) => {
    seen.push(req.headers.authorization)
    next()
  })
  app.use(
    introspectionBearer({
      issuer: running.url,
      audience: 'https://api.test',
      clientAuth: { method: 'client_secret_basic', clientId: 'pets-api', clientSecret: API_SECRET },
      cacheMaxEntries: 0,
    }),
  )
  app.all('/stats', (req, res) => {
    res.json({ client: req.auth?.clientId })
  })
  app.use(oauthErrorHandler())
  const api = await serve(app)
  onTestFinished(() => api.close())
  const thirdParty: (string | undefined)[] = []
  const other = await serve((req, res) => {
    thirdParty.push(req.headers.authorization)
    res.end('ok')
  })
  onTestFinished(() => other.close())
  const config = await discoverAuthorizationServer({
    issuer: running.url,
    clientId: 'stats',
    clientSecret: SECRET,
  })
  const tokens = createServiceTokens({ server: config, scope: 'pets:stats' })
  const apiFetch = createTokenFetch({ tokens, origins: [api.url] })
  return { server, running, api, other, seen, thirdParty, tokens, apiFetch }
}

describe('createTokenFetch', () => {
  it('calls the API with the service token, and sends no token to any other origin', async () => {
    const { api, other, thirdParty, apiFetch } = await setUp()
    const response = await apiFetch(`${api.url}/stats`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ client: 'stats' })
    for (const url of [`${other.url}/x`, `${other.url.replace('127.0.0.1', 'localhost')}/x`]) {
      expect((await apiFetch(url)).status, url).toBe(200)
    }
    expect(thirdParty).toEqual([undefined, undefined])
  })

  it('drops a token the API refuses with invalid_token and retries once with a new one, for every replayable body', async () => {
    const { server, api, seen, tokens, apiFetch } = await setUp()
    const bodies: (() => RequestInit)[] = [
      () => ({}),
      () => ({ method: 'POST', body: 'text' }),
      () => ({ method: 'POST', body: new URLSearchParams({ a: '1' }) }),
      () => ({ method: 'POST', body: new TextEncoder().encode('bytes') }),
      () => ({ method: 'POST', body: new Blob(['blob']) }),
    ]
    for (const init of bodies) {
      const revoked = await tokens.getToken()
      server.issuer.revoke(revoked)
      seen.length = 0
      const response = await apiFetch(`${api.url}/stats`, init())
      expect(response.status, JSON.stringify(init())).toBe(200)
      expect(seen).toHaveLength(2)
      expect(seen[0]).toBe(`Bearer ${revoked}`)
      expect(seen[1]).not.toBe(seen[0])
    }
  })

  it('sends a Request input twice by cloning it', async () => {
    const { server, api, seen, tokens, apiFetch } = await setUp()
    server.issuer.revoke(await tokens.getToken())
    seen.length = 0
    const response = await apiFetch(
      new Request(`${api.url}/stats`, { method: 'POST', body: 'once' }),
    )
    expect(response.status).toBe(200)
    expect(seen).toHaveLength(2)
  })

  it('never replays a streamed body: the 401 comes back after one request', async () => {
    const { server, api, seen, tokens, apiFetch } = await setUp()
    server.issuer.revoke(await tokens.getToken())
    seen.length = 0
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'))
        controller.close()
      },
    })
    const response = await apiFetch(`${api.url}/stats`, {
      method: 'POST',
      body,
      duplex: 'half',
    })
    expect(response.status).toBe(401)
    expect(seen).toHaveLength(1)
  })

  it('retries at most once: a token refused twice comes back as the 401', async () => {
    const { running, api, seen, apiFetch } = await setUp()
    running.setFault('introspect', { body: '{"active":false}' })
    seen.length = 0
    const response = await apiFetch(`${api.url}/stats`)
    expect(response.status).toBe(401)
    expect(seen).toHaveLength(2)
  })

  it('refuses origins that are not origins', async () => {
    const { tokens } = await setUp()
    for (const origins of [[], ['not a url'], ['https://api.example.com/path'], [42]]) {
      expect(
        () => createTokenFetch({ tokens, origins: origins as string[] }),
        JSON.stringify(origins),
      ).toThrow(TypeError)
    }
    expect(() => createTokenFetch({ tokens, origins: ['https://api.example.com/'] })).not.toThrow()
  })
})
