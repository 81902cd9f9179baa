import request from 'supertest'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { LocalServer } from '@tokenguard/test-support/serve'
import { createPetStore, type PetStore } from '../src/pets.js'
import { serveApp, startIssuer, type LocalIssuer } from './helpers.js'

let local: LocalIssuer
let app: LocalServer
let store: PetStore

beforeAll(async () => {
  local = await startIssuer()
})

afterAll(async () => {
  await local.running.close()
})

afterEach(async () => {
  await app.close()
})

async function adopt(petId: number, claims: Record<string, unknown> = {}) {
  const token = await local.issuer.sign({ scope: 'adoptions:create', ...claims })
  return request(app.url)
    .post('/api/adoptions')
    .set('Authorization', `Bearer ${token}`)
    .send({ petId })
}

describe('POST /api/adoptions', () => {
  it("records the token's sub as the adopter", async () => {
    store = createPetStore({ now: () => Date.parse('2025-01-02T03:04:05Z') })
    app = await serveApp(local, { store })
    const res = await adopt(2, { sub: 'user-42' })
    expect(res.status).toBe(201)
    const adoption = { id: 1, petId: 2, adopter: 'user-42', adoptedAt: '2025-01-02T03:04:05.000Z' }
    expect(res.body).toEqual(adoption)
    expect(store.listAdoptions()).toEqual([adoption])
  })

  it('marks the pet adopted in the pet list', async () => {
    store = createPetStore()
    app = await serveApp(local, { store })
    await adopt(1)
    expect(store.listPets().find((pet) => pet.id === 1)?.status).toBe('adopted')
  })

  it('answers 404 pet_not_found naming petId for a pet that does not exist', async () => {
    app = await serveApp(local)
    const res = await adopt(99)
    expect(res.status).toBe(404)
    expect(res.body).toEqual({
      error: 'pet_not_found',
      error_description: 'No pet has this id',
      field: 'petId',
    })
  })

  it('answers 409 already_adopted for a pet adopted before, keeping the first adopter', async () => {
    store = createPetStore()
    app = await serveApp(local, { store })
    expect((await adopt(1, { sub: 'alice' })).status).toBe(201)
    const res = await adopt(1, { sub: 'mallory' })
    expect(res.status).toBe(409)
    expect(res.body.error).toBe('already_adopted')
    expect(store.listAdoptions().map((adoption) => adoption.adopter)).toEqual(['alice'])
  })

  it('answers 403 with the claim challenge to a token that has no sub', async () => {
    store = createPetStore()
    app = await serveApp(local, { store })
    const token = await local.issuer.sign({ scope: 'adoptions:create' }, { omit: ['sub'] })
    const res = await request(app.url)
      .post('/api/adoptions')
      .set('Authorization', `Bearer ${token}`)
      .send({ petId: 1 })
    const description = 'The access token does not satisfy the requirements of this resource'
    expect(res.status).toBe(403)
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="petstore", error="insufficient_scope", error_description="${description}"`,
    )
    expect(store.listAdoptions()).toEqual([])
  })
})
