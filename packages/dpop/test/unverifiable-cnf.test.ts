import { oauthErrorHandler, type Middleware } from '@tokenguard/core'
import { introspectionBearer } from '@tokenguard/introspect'
import { jwtBearer } from '@tokenguard/jwt-verify'
import {
  createDpopClient,
  createTestIssuer,
  DEFAULT_TEST_CLIENT,
  type DpopClient,
  type RunningIssuer,
  type TestIssuer,
} from '@tokenguard/test-tokens'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { echoAuth, frameworks, serve } from '@tokenguard/test-support/serve'
import { dpop } from '../src/index.js'

// RFC 7800 §3, RFC 9449 §7.2, RFC 8705 §3: a token bound to a key or a certificate is only
// usable by its holder. A binding the middleware cannot check (cnf.jkt without dpop, an mTLS
// certificate thumbprint anywhere) must not turn the token into a plain bearer token.

const ORIGIN = 'https://api.test'
let issuer: TestIssuer
let running: RunningIssuer
let client: DpopClient

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'] })
  running = await issuer.listen()
  client = await createDpopClient()
})

afterAll(async () => {
  await running.close()
})

const REFUSED =
  'Bearer realm="api", error="invalid_token", error_description="The access token is bound to a key or certificate this resource cannot check"'

async function get(middleware: Middleware, token: string, headers: Record<string, string> = {}) {
  const app = await serve(frameworks[0]!.app([middleware, echoAuth], [oauthErrorHandler()]))
  onTestFinished(() => app.close())
  const req = request(app.url).get('/pets').set('Authorization', `Bearer ${token}`)
  for (const [name, value] of Object.entries(headers)) void req.set(name, value)
  const res = await req
  return { status: res.status, challenge: res.headers['www-authenticate'] }
}

const jwtOptions = () => ({ issuer: issuer.issuer, audience: issuer.audience, realm: 'api' })
const introspectionOptions = () => ({
  issuer: issuer.issuer,
  audience: issuer.audience,
  realm: 'api',
  clientAuth: {
    method: 'client_secret_basic' as const,
    clientId: DEFAULT_TEST_CLIENT.client_id,
    clientSecret: DEFAULT_TEST_CLIENT.client_secret ?? '',
  },
})

describe('a cnf the bearer middleware cannot check', () => {
  it('refuses a DPoP-bound JWT (cnf.jkt) on a route without the dpop option with 401 invalid_token', async () => {
    const token = await issuer.sign({ scope: 'pets:read', cnf: { jkt: client.jkt } })
    expect(await get(jwtBearer(jwtOptions()), token)).toEqual({ status: 401, challenge: REFUSED })
  })

  it('refuses an introspected token whose response names cnf.jkt on a route without dpop', async () => {
    const token = issuer.issueOpaque({ scope: 'pets:read', cnf: { jkt: client.jkt } })
    expect(await get(introspectionBearer(introspectionOptions()), token)).toEqual({
      status: 401,
      challenge: REFUSED,
    })
  })

  it('refuses a certificate-bound token (cnf x5t#S256, RFC 8705) everywhere, dpop or not', async () => {
    const cnf = { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' }
    const token = await issuer.sign({ scope: 'pets:read', cnf })
    expect(await get(jwtBearer(jwtOptions()), token)).toEqual({ status: 401, challenge: REFUSED })
    const mixed = jwtBearer({
      ...jwtOptions(),
      dpop: dpop({ publicOrigin: ORIGIN, mode: 'allowed' }),
    })
    const answer = await get(mixed, token)
    expect(answer.status).toBe(401)
    expect(answer.challenge).toContain('error="invalid_token"')
    expect(answer.challenge).toContain('cannot check')
  })

  it('accepts such tokens as bearer tokens only with acceptUnverifiedCnf: true', async () => {
    const bound = await issuer.sign({ scope: 'pets:read', cnf: { jkt: client.jkt } })
    const certificate = await issuer.sign({ scope: 'pets:read', cnf: { 'x5t#S256': 'abc' } })
    const lenient = jwtBearer({ ...jwtOptions(), acceptUnverifiedCnf: true })
    expect((await get(lenient, bound)).status).toBe(200)
    expect((await get(lenient, certificate)).status).toBe(200)
  })

  it('still accepts a token without cnf, and an empty cnf', async () => {
    expect(
      (await get(jwtBearer(jwtOptions()), await issuer.sign({ scope: 'pets:read' }))).status,
    ).toBe(200)
    const empty = await issuer.sign({ scope: 'pets:read', cnf: {} })
    expect((await get(jwtBearer(jwtOptions()), empty)).status).toBe(200)
  })
})
