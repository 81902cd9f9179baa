import request from 'supertest'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { LocalServer } from '@tokenguard/test-support/serve'
import { serveApp, startIssuer, type LocalIssuer } from './helpers.js'

let local: LocalIssuer
let app: LocalServer

beforeAll(async () => {
  local = await startIssuer()
})

afterAll(async () => {
  await local.running.close()
})

afterEach(async () => {
  await app.close()
})

async function post(path: string, scope: string, body: string | object): Promise<request.Response> {
  return request(app.url)
    .post(path)
    .set('Authorization', `Bearer ${await local.issuer.sign({ scope })}`)
    .set('Content-Type', 'application/json')
    .send(typeof body === 'string' ? body : JSON.stringify(body))
}

async function listPets(): Promise<unknown[]> {
  const token = await local.issuer.sign({ scope: 'pets:read' })
  const res = await request(app.url).get('/api/pets').set('Authorization', `Bearer ${token}`)
  return res.body.pets as unknown[]
}

describe('POST /api/pets', () => {
  it('creates a pet from a name and a tag and lists it', async () => {
    app = await serveApp(local)
    const res = await post('/api/pets', 'pets:write', { name: 'Biscuit', tag: 'dog' })
    expect(res.status).toBe(201)
    expect(res.body).toEqual({ id: 3, name: 'Biscuit', tag: 'dog', status: 'available' })
    expect(await listPets()).toContainEqual(res.body)
  })

  it('creates a pet from a name alone', async () => {
    app = await serveApp(local)
    const res = await post('/api/pets', 'pets:write', { name: 'Biscuit' })
    expect(res.status).toBe(201)
    expect(res.body).toEqual({ id: 3, name: 'Biscuit', status: 'available' })
  })

  it.each([
    ['a missing name', {}, 'name', 'name is required'],
    ['an empty name', { name: '' }, 'name', 'name must be 1 to 64 characters long'],
    [
      'a name over 64 characters',
      { name: 'x'.repeat(65) },
      'name',
      'name must be 1 to 64 characters long',
    ],
    ['a name that is a number', { name: 42 }, 'name', 'name must be a string'],
    [
      'a name with a line break',
      { name: 'Rex\nadmin' },
      'name',
      'name must not contain control characters',
    ],
    ['a tag that is null', { name: 'Rex', tag: null }, 'tag', 'tag must be a string'],
    [
      'a tag over 32 characters',
      { name: 'Rex', tag: 'x'.repeat(33) },
      'tag',
      'tag must be 1 to 32 characters long',
    ],
    ['a server-owned id', { name: 'Rex', id: 7 }, 'id', 'Unknown field; allowed fields: name, tag'],
    [
      'a server-owned status',
      { name: 'Rex', status: 'adopted' },
      'status',
      'Unknown field; allowed fields: name, tag',
    ],
  ])('answers 400 naming the field for %s', async (_case, body, field, description) => {
    app = await serveApp(local)
    const res = await post('/api/pets', 'pets:write', body)
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ error: 'invalid_body', error_description: description, field })
    expect(await listPets()).toHaveLength(2)
  })

  it('answers 400 naming __proto__ and pollutes nothing when the body sets it', async () => {
    app = await serveApp(local)
    const res = await post('/api/pets', 'pets:write', '{"name":"Rex","__proto__":{"admin":true}}')
    expect(res.status).toBe(400)
    expect(res.body.field).toBe('__proto__')
    expect(({} as Record<string, unknown>).admin).toBeUndefined()
  })

  it('answers 400 when the body is an array instead of an object', async () => {
    app = await serveApp(local)
    const res = await post('/api/pets', 'pets:write', [{ name: 'Rex' }])
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      error: 'invalid_body',
      error_description: 'The body must be a JSON object',
    })
  })

  it('answers 400 when no body is sent', async () => {
    app = await serveApp(local)
    const token = await local.issuer.sign({ scope: 'pets:write' })
    const res = await request(app.url).post('/api/pets').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(400)
    expect(res.body.error_description).toBe('The body must be a JSON object')
  })

  it('answers 400 invalid_json, not 500, for malformed JSON, without echoing the body', async () => {
    app = await serveApp(local)
    const res = await post('/api/pets', 'pets:write', '{"name": "Rex", secret-value')
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      error: 'invalid_json',
      error_description: 'The body is not valid JSON',
    })
    expect(res.text).not.toContain('secret-value')
  })

  it('answers 400 invalid_json for a bare JSON string', async () => {
    app = await serveApp(local)
    const res = await post('/api/pets', 'pets:write', '"Rex"')
    expect(res.status).toBe(400)
    expect(res.body.error).toBe('invalid_json')
  })

  it('answers 413 body_too_large for a body over 4 KiB', async () => {
    app = await serveApp(local)
    const res = await post('/api/pets', 'pets:write', { name: 'Rex', tag: 'x'.repeat(5_000) })
    expect(res.status).toBe(413)
    expect(res.body).toEqual({
      error: 'body_too_large',
      error_description: 'The body is too large',
    })
  })

  it('honours a smaller maxBodyBytes', async () => {
    app = await serveApp(local, { maxBodyBytes: 16 })
    const res = await post('/api/pets', 'pets:write', { name: 'Biscuit the dog' })
    expect(res.status).toBe(413)
  })

  it('answers 415 for a body that is not JSON', async () => {
    app = await serveApp(local)
    const token = await local.issuer.sign({ scope: 'pets:write' })
    const res = await request(app.url)
      .post('/api/pets')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'text/plain')
      .send('name=Rex')
    expect(res.status).toBe(415)
    expect(res.body.error).toBe('unsupported_media_type')
  })
})

describe('POST /api/adoptions', () => {
  it.each([
    ['a missing petId', {}, 'petId', 'petId is required'],
    ['a petId that is a string', { petId: '1' }, 'petId', 'petId must be a positive integer'],
    ['a fractional petId', { petId: 1.5 }, 'petId', 'petId must be a positive integer'],
    ['a negative petId', { petId: -1 }, 'petId', 'petId must be a positive integer'],
    [
      'an adopter in the body',
      { petId: 1, adopter: 'mallory' },
      'adopter',
      'Unknown field; allowed fields: petId',
    ],
  ])('answers 400 naming the field for %s', async (_case, body, field, description) => {
    app = await serveApp(local)
    const res = await post('/api/adoptions', 'adoptions:create', body)
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ error: 'invalid_body', error_description: description, field })
  })

  it('answers 400 invalid_json for malformed JSON', async () => {
    app = await serveApp(local)
    const res = await post('/api/adoptions', 'adoptions:create', '{"petId":')
    expect(res.status).toBe(400)
    expect(res.body.error).toBe('invalid_json')
  })
})
