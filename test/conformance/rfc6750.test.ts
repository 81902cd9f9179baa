import { request as httpRequest } from 'node:http'
import { createTestIssuer, type RunningIssuer, type TestIssuer } from '@tokenguard/test-tokens'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { introspectAt, REALM, startApi, trust, type Answer, type TestApi } from './support/api.js'
import { paramOf } from './support/challenge-parser.js'

// RFC 6750: how a resource server reads a bearer token (§2) and how it refuses one (§3).
// Every case runs over real HTTP against Express 5 with the suite's middleware.

let issuer: TestIssuer
let running: RunningIssuer
let jwtApi: TestApi
let opaqueApi: TestApi

beforeAll(async () => {
  issuer = await createTestIssuer({
    algorithms: ['ES256'],
    audience: 'https://api.conformance.test',
  })
  running = await issuer.listen()
  jwtApi = await startApi({ jwt: trust(issuer) })
  opaqueApi = await startApi({
    kind: 'introspection',
    introspection: introspectAt(issuer, running, { cacheTtlMs: 0 }),
  })
})

afterAll(async () => {
  await Promise.all([jwtApi.close(), opaqueApi.close()])
  await running.close()
})

const read = { scope: 'pets:read' }
const challengeOf = (answer: Answer) => answer.challenges[0]!

/** A form POST (or GET, which fetch cannot send with a body) over node:http. */
function sendForm(
  url: string,
  method: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; header: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}/api/pets`,
      {
        method,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(Buffer.byteLength(body)),
          ...headers,
        },
      },
      (res) => {
        res.resume()
        res.on('end', () => {
          const header = res.headers['www-authenticate']
          resolve({ status: res.statusCode ?? 0, header })
        })
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

describe('RFC 6750 §2: sending the access token', () => {
  it('[RFC6750-2.1-header] accepts a JWT in the Authorization header with the Bearer scheme', async () => {
    const answer = await jwtApi.get(await issuer.sign(read))
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ kind: 'jwt', claims: { sub: 'user-123' } })
  })

  it('[RFC6750-2.1-header] accepts an opaque token in the Authorization header and introspects it', async () => {
    const answer = await opaqueApi.get(issuer.issueOpaque(read))
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ kind: 'introspection', claims: { sub: 'user-123' } })
  })

  it('[RFC6750-2.1-scheme-case] accepts the auth-scheme in any case (RFC 9110 §11.1)', async () => {
    const token = await issuer.sign(read)
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      const answer = await jwtApi.get(undefined, {
        headers: { authorization: `${scheme} ${token}` },
      })
      expect(answer.status, scheme).toBe(200)
    }
  })

  it('[RFC6750-2.1-b64token] answers 400 invalid_request to a token outside the b64token syntax, 401 to standard base64 parts', async () => {
    const token = await issuer.sign(read)
    for (const value of [`Bearer ${token} extra`, 'Bearer a"b', 'Bearer a,b', 'Bearer']) {
      const answer = await jwtApi.get(undefined, { headers: { authorization: value } })
      expect(answer.outcome, value).toBe('400 invalid_request')
    }
    // Base64 characters with "=" inside (standard, padded base64 parts) are a malformed
    // token, not a malformed request: 401 (RFC 6750 §3.1).
    const [header = '', payload = '', signature = ''] = token.split('.')
    const padded = (part: string) => Buffer.from(part, 'base64url').toString('base64')
    for (const value of [
      '=abc',
      'a=b',
      `${padded(header)}.${padded(payload)}.${padded(signature)}`,
      `${header}=.${payload}.${signature}`,
    ]) {
      const answer = await jwtApi.get(value)
      expect(answer.outcome, value.slice(0, 40)).toBe('401 invalid_token')
    }
    // Trailing "=" and the characters - . _ ~ + / are b64token: syntax passes, verification refuses.
    const answer = await jwtApi.get('a-b.c_d~e+f/g==')
    expect(answer.outcome).toBe('401 invalid_token')
  })

  it('[RFC6750-2.2-body] ignores a form-body token unless allowBodyToken is on, then accepts it', async () => {
    const body = new URLSearchParams({ access_token: await issuer.sign(read) }).toString()
    const off = await sendForm(jwtApi.url, 'POST', body)
    expect(off).toEqual({ status: 401, header: `Bearer realm="${REALM}"` })
    const api = await startApi({ jwt: trust(issuer, { allowBodyToken: true }) })
    onTestFinished(() => api.close())
    expect((await sendForm(api.url, 'POST', body)).status).toBe(200)
    // §2.2: only a single-part application/x-www-form-urlencoded body carries a token.
    const json = await api.get(undefined, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: await issuer.sign(read) }),
    })
    expect(json.outcome).toBe('401')
  })

  it('[RFC6750-2.2-no-get] answers 400 invalid_request to a form-body token sent with GET', async () => {
    const api = await startApi({ jwt: trust(issuer, { allowBodyToken: true }) })
    onTestFinished(() => api.close())
    const body = new URLSearchParams({ access_token: await issuer.sign(read) }).toString()
    const answer = await sendForm(api.url, 'GET', body)
    expect(answer.status).toBe(400)
    expect(answer.header).toBe(
      `Bearer realm="${REALM}", error="invalid_request", error_description="A body token cannot be sent with GET"`,
    )
  })

  it('[RFC6750-2.3-query] ignores an access_token query parameter unless allowQueryToken is on, then accepts it', async () => {
    const path = `/api/pets?access_token=${await issuer.sign(read)}`
    expect((await jwtApi.get(undefined, { path })).outcome).toBe('401')
    const api = await startApi({ jwt: trust(issuer, { allowQueryToken: true }) })
    onTestFinished(() => api.close())
    expect((await api.get(undefined, { path })).status).toBe(200)
  })

  it('[RFC6750-2-one-method] answers 400 invalid_request to a token sent by two methods at once', async () => {
    const api = await startApi({
      jwt: trust(issuer, { allowQueryToken: true, allowBodyToken: true }),
    })
    onTestFinished(() => api.close())
    const token = await issuer.sign(read)
    const byQuery = await api.get(token, { path: `/api/pets?access_token=${token}` })
    expect(byQuery.outcome).toBe('400 invalid_request')
    expect(paramOf(challengeOf(byQuery), 'error_description')).toBe(
      'The access token was sent by more than one method',
    )
    const body = new URLSearchParams({ access_token: token }).toString()
    const byBody = await sendForm(api.url, 'POST', body, { authorization: `Bearer ${token}` })
    expect(byBody.status).toBe(400)
    expect(byBody.header).toContain('error="invalid_request"')
  })

  it('[RFC6750-2-one-method] answers 400 invalid_request to a header token with an access_token in the query or the body even when those methods are off', async () => {
    const token = await issuer.sign(read)
    const other = await issuer.sign(read)
    const paths = {
      'access_token in the query': `/api/pets?access_token=${other}`,
      'access%5Ftoken in the query': `/api/pets?x=1&access%5Ftoken=${other}`,
    }
    for (const [name, path] of Object.entries(paths)) {
      const answer = await jwtApi.get(token, { path })
      expect(answer.outcome, name).toBe('400 invalid_request')
      expect(paramOf(challengeOf(answer), 'error_description')).toBe(
        'The access token was sent by more than one method',
      )
    }
    const body = new URLSearchParams({ access_token: other }).toString()
    const byBody = await sendForm(jwtApi.url, 'POST', body, { authorization: `Bearer ${token}` })
    expect(byBody.status).toBe(400)
    expect(byBody.header).toContain('error="invalid_request"')
    // A query or body token alone, with its method off, is still no credentials at all.
    const alone = await jwtApi.get(undefined, { path: `/api/pets?access_token=${other}` })
    expect({ outcome: alone.outcome, header: alone.header }).toEqual({
      outcome: '401',
      header: `Bearer realm="${REALM}"`,
    })
    expect(await sendForm(jwtApi.url, 'POST', body)).toEqual({
      status: 401,
      header: `Bearer realm="${REALM}"`,
    })
  })
})

describe('RFC 6750 §3: the WWW-Authenticate challenge', () => {
  /** One request of each kind of refusal the suite gives, with the status it must get. */
  async function refusals(): Promise<[string, Answer, number][]> {
    const expired = await issuer.sign(read, { expiresInSec: -3600 })
    return [
      ['no token', await jwtApi.get(undefined), 401],
      [
        'Basic credentials',
        await jwtApi.get(undefined, { headers: { authorization: 'Basic dTpw' } }),
        401,
      ],
      [
        'a malformed header',
        await jwtApi.get(undefined, { headers: { authorization: 'Bearer a b' } }),
        400,
      ],
      ['an expired JWT', await jwtApi.get(expired), 401],
      ['garbage', await jwtApi.get('garbage'), 401],
      [
        'a JWT for another API',
        await jwtApi.get(await issuer.sign({ ...read, aud: 'https://other.test' })),
        401,
      ],
      ['a missing scope', await jwtApi.get(await issuer.sign(read), { path: '/api/admin' }), 403],
      ['an unknown opaque token', await opaqueApi.get('opaque-token-the-issuer-never-issued'), 401],
    ]
  }

  it('[RFC6750-3-www-authenticate][RFC6750-3-scheme][RFC9110-11.6.1-syntax] sends one well-formed Bearer challenge with every 400, 401 and 403', async () => {
    for (const [name, answer, status] of await refusals()) {
      expect(answer.status, name).toBe(status)
      expect(answer.header, name).toBeDefined()
      expect(answer.challenges, name).toHaveLength(1)
      expect(challengeOf(answer).scheme, name).toBe('Bearer')
    }
  })

  it('[RFC6750-3-realm] writes the realm attribute once, first, in every challenge', async () => {
    for (const [name, answer] of await refusals()) {
      const names = challengeOf(answer).params.map(([param]) => param.toLowerCase())
      expect(
        names.filter((param) => param === 'realm'),
        name,
      ).toHaveLength(1)
      expect(names[0], name).toBe('realm')
      expect(paramOf(challengeOf(answer), 'realm'), name).toBe(REALM)
    }
  })

  it('[RFC6750-3-scope] names every scope the resource needs in one space-delimited scope attribute', async () => {
    const answer = await jwtApi.get(await issuer.sign({ scope: 'pets:read pets:admin' }), {
      path: '/api/admin',
    })
    const scopes = challengeOf(answer).params.filter(([name]) => name.toLowerCase() === 'scope')
    expect(scopes).toEqual([['scope', 'pets:admin pets:audit']])
  })

  it('[RFC6750-3-charset][DESIGN-no-echo] keeps error and error_description within the RFC 6750 charset for every hostile token, and never echoes the token', async () => {
    const hostile = await issuer.hostile.all(read)
    const answers = await refusals()
    for (const token of hostile) answers.push([token.name, await jwtApi.get(token.token), 0])
    for (const [name, answer] of answers) {
      for (const param of ['error', 'error_description']) {
        const value = paramOf(challengeOf(answer), param)
        if (value !== undefined)
          expect(value, `${name}: ${param}`).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/)
      }
    }
    for (const token of hostile) {
      const answer = await jwtApi.get(token.token)
      expect(
        answer.text.includes(token.token) || answer.header?.includes(token.token),
        token.name,
      ).toBe(false)
    }
  })
})

describe('RFC 6750 §3.1: error codes', () => {
  it('[RFC6750-3.1-no-credentials] answers 401 with a bare challenge and no error code when no credentials are sent', async () => {
    for (const headers of [
      {},
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: 'Digest x' },
    ]) {
      const answer = await jwtApi.get(undefined, { headers })
      expect(answer.status).toBe(401)
      expect(answer.header).toBe(`Bearer realm="${REALM}"`)
      expect(answer.body).toEqual({ error_description: 'An access token is required' })
    }
  })

  it('[RFC6750-3.1-invalid_request] answers 400 invalid_request with the exact challenge to a malformed request', async () => {
    const answer = await jwtApi.get(undefined, { headers: { authorization: 'Bearer a b' } })
    expect(answer.status).toBe(400)
    expect(answer.header).toBe(
      `Bearer realm="${REALM}", error="invalid_request", error_description="The access token is malformed"`,
    )
    expect(answer.body).toEqual({
      error: 'invalid_request',
      error_description: 'The access token is malformed',
    })
  })

  it('[RFC6750-3.1-invalid_token] answers 401 invalid_token with the exact challenge to an expired JWT', async () => {
    const answer = await jwtApi.get(await issuer.sign(read, { expiresInSec: -3600 }))
    expect(answer.status).toBe(401)
    expect(answer.header).toBe(
      `Bearer realm="${REALM}", error="invalid_token", error_description="The access token expired"`,
    )
    expect(answer.body).toEqual({
      error: 'invalid_token',
      error_description: 'The access token expired',
    })
  })

  it('[RFC6750-3.1-invalid_token] answers 401 invalid_token to a revoked opaque token', async () => {
    const token = issuer.issueOpaque(read)
    expect((await opaqueApi.get(token)).status).toBe(200)
    issuer.revoke(token)
    const answer = await opaqueApi.get(token)
    expect(answer.status).toBe(401)
    expect(answer.header).toBe(
      `Bearer realm="${REALM}", error="invalid_token", error_description="The access token is not active"`,
    )
  })

  it('[RFC6750-3.1-insufficient_scope] answers 403 insufficient_scope with the exact challenge naming the scope', async () => {
    const answer = await jwtApi.get(await issuer.sign({ scope: 'pets:write' }))
    expect(answer.status).toBe(403)
    expect(answer.header).toBe(
      `Bearer realm="${REALM}", error="insufficient_scope", error_description="The access token does not have the scope this resource requires", scope="pets:read"`,
    )
  })
})
