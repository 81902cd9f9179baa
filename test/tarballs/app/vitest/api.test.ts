// A user's API test: vitest + supertest against an Express app, tokens from a local issuer.
import { oauthErrorHandler } from '@tokenguard/core'
import { jwtBearer } from '@tokenguard/jwt-verify'
import { requireScopes } from '@tokenguard/scopes'
import { createTestIssuer } from '@tokenguard/test-tokens'
import express from 'express'
import request from 'supertest'
import { afterAll, describe, expect, it } from 'vitest'

const issuer = await createTestIssuer()
const running = await issuer.listen()
afterAll(() => running.close())

const app = express()
app.get(
  '/pets',
  jwtBearer({ issuer: running.url, audience: issuer.audience }),
  requireScopes('pets:read'),
  (req, res) => {
    res.json({ subject: req.auth?.subject })
  },
)
app.use(oauthErrorHandler())

describe('GET /pets', () => {
  it('answers 200 to a token with pets:read', async () => {
    const token = await issuer.sign({ scope: 'pets:read', sub: 'alice' })
    const res = await request(app).get('/pets').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ subject: 'alice' })
  })

  it('answers 403 insufficient_scope to a token without it', async () => {
    const token = await issuer.sign({ scope: 'pets:write' })
    const res = await request(app).get('/pets').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(403)
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"')
  })

  it('answers 401 to an expired token', async () => {
    const expired = await issuer.sign({ scope: 'pets:read' }, { expiresInSec: -60 })
    await request(app).get('/pets').set('Authorization', `Bearer ${expired}`).expect(401)
  })
})
