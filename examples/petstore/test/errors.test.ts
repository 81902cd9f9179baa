import request from 'supertest'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { LocalServer } from '@tokenguard/test-support/serve'
import { createPetStore, type PetStore } from '../src/pets.js'
import { introspectionOptions, serveApp, startIssuer, type LocalIssuer } from './helpers.js'

let local: LocalIssuer
let app: LocalServer

beforeAll(async () => {
  local = await startIssuer()
})

afterAll(async () => {
  await local.running.close()
})

afterEach(async () => {
  local.running.setFault('jwks', undefined)
  local.running.setFault('introspect', undefined)
  await app.close()
})

describe('createPetstoreApp errors', () => {
  it('answers a JSON 404 for an unknown public path, without echoing the path', async () => {
    app = await serveApp(local)
    const res = await request(app.url).get('/nowhere?access_token=abc')
    expect(res.status).toBe(404)
    expect(res.body).toEqual({
      error: 'not_found',
      error_description: 'There is nothing at this path',
    })
    expect(res.text).not.toContain('abc')
  })

  it('answers 401 for an unknown /api path without a token, so routes are not revealed', async () => {
    app = await serveApp(local)
    const res = await request(app.url).get('/api/secret-admin')
    expect(res.status).toBe(401)
  })

  it('answers a JSON 404 for an unknown /api path with a valid token', async () => {
    app = await serveApp(local)
    const token = await local.issuer.sign({ scope: 'pets:read' })
    const res = await request(app.url).get('/api/cats').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(404)
    expect(res.body.error).toBe('not_found')
  })

  it('answers a JSON 500 with no stack, message or token when a handler throws', async () => {
    const token = await local.issuer.sign({ scope: 'pets:read' })
    const logged: unknown[] = []
    const failing: PetStore = {
      ...createPetStore(),
      listPets: () => {
        throw new Error(`database down while serving ${token}`)
      },
    }
    app = await serveApp(local, { store: failing, logError: (error) => logged.push(error) })
    const res = await request(app.url).get('/api/pets').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(500)
    expect(res.body).toEqual({
      error: 'server_error',
      error_description: 'Something went wrong on our side',
    })
    expect(res.text).not.toContain(token)
    expect(res.text).not.toContain('database down')
    expect(res.text).not.toMatch(/\bat .*\.ts/)
    expect(logged).toHaveLength(1)
  })

  it("answers 503 with Retry-After, not 401, when the issuer's keys cannot be fetched", async () => {
    app = await serveApp(local)
    local.running.setFault('jwks', { status: 500 })
    const token = await local.issuer.sign({ scope: 'pets:read' })
    const res = await request(app.url).get('/api/pets').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(503)
    expect(res.headers['retry-after']).toMatch(/^\d+$/)
    expect(res.body.error).toBe('temporarily_unavailable')
  })

  it('answers 503 with Retry-After, not 401, when the introspection endpoint is down', async () => {
    app = await serveApp(local, { introspection: introspectionOptions(local) })
    local.running.setFault('introspect', { status: 500 })
    const token = local.issuer.issueOpaque({ scope: 'pets:read' })
    const res = await request(app.url).get('/api/pets').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(503)
    expect(res.headers['retry-after']).toBe('5')
    expect(res.body.error).toBe('temporarily_unavailable')
    expect(res.text).not.toContain(token)
  })

  it('answers 507 store_full when the store holds its maximum of pets', async () => {
    app = await serveApp(local, { store: createPetStore({ maxPets: 2 }) })
    const token = await local.issuer.sign({ scope: 'pets:write' })
    const res = await request(app.url)
      .post('/api/pets')
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'Biscuit' })
    expect(res.status).toBe(507)
    expect(res.body.error).toBe('store_full')
  })

  it('does not advertise Express in an X-Powered-By header', async () => {
    app = await serveApp(local)
    const res = await request(app.url).get('/health')
    expect(res.headers['x-powered-by']).toBeUndefined()
  })
})
