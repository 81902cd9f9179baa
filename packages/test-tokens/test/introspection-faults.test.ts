import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createTestIssuer, DEFAULT_TEST_CLIENT, generateTestKey } from '../src/index.js'
import type { RunningIssuer, TestIssuer, TestKey } from '../src/index.js'
import { assertionParams, basic, clientAssertion, postForm } from './support/client-requests.js'

const { client_id: CLIENT_ID, client_secret: SECRET } = DEFAULT_TEST_CLIENT
const AUTH = { Authorization: basic(CLIENT_ID, SECRET) }

describe('RunningIssuer.setFault on introspect and revoke', () => {
  let issuer: TestIssuer
  let running: RunningIssuer

  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256'] })
    running = await issuer.listen()
  })

  afterEach(() => {
    running.setFault('introspect', undefined)
    running.setFault('revoke', undefined)
  })

  afterAll(() => running.close())

  it('answers the fault status with a JSON server_error body', async () => {
    running.setFault('introspect', { status: 503 })
    const response = await postForm(running.introspectionEndpoint, { token: 'x' }, AUTH)
    expect(response.status).toBe(503)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toMatchObject({ error: 'server_error' })
  })

  it('delays the normal answer by delayMs', async () => {
    const token = issuer.issueOpaque()
    running.setFault('introspect', { delayMs: 150 })
    const started = performance.now()
    const response = await postForm(running.introspectionEndpoint, { token }, AUTH)
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
    expect(await response.json()).toMatchObject({ active: true })
  })

  it('answers a garbage body with status 200', async () => {
    running.setFault('introspect', { body: '{"active": tru' })
    const response = await postForm(running.introspectionEndpoint, { token: 'x' }, AUTH)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.text()).toBe('{"active": tru')
  })

  it('never answers a hanging endpoint, while counting the request', async () => {
    running.setFault('introspect', { hang: true })
    const before = running.requests('/introspect')
    await expect(
      fetch(running.introspectionEndpoint, {
        method: 'POST',
        headers: AUTH,
        body: new URLSearchParams({ token: 'x' }),
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow()
    expect(running.requests('/introspect')).toBe(before + 1)
  })

  it('revokes nothing while /revoke answers a fault status', async () => {
    const token = issuer.issueOpaque()
    running.setFault('revoke', { status: 500 })
    expect((await postForm(running.revocationEndpoint, { token }, AUTH)).status).toBe(500)
    expect(issuer.introspect(token).active).toBe(true)
  })

  it('faults one endpoint only, and heals it when set to undefined', async () => {
    running.setFault('revoke', { status: 502 })
    expect((await postForm(running.introspectionEndpoint, { token: 'x' }, AUTH)).status).toBe(200)
    expect((await fetch(running.jwksUri)).status).toBe(200)
    running.setFault('revoke', undefined)
    expect((await postForm(running.revocationEndpoint, { token: 'x' }, AUTH)).status).toBe(200)
  })
})

describe('RunningIssuer.close with introspection pending', () => {
  it('resolves quickly with a hanging introspection open, and that request fails', async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'] })
    const running = await issuer.listen()
    onTestFinished(() => running.close())
    running.setFault('introspect', { hang: true })
    const hanging = postForm(running.introspectionEndpoint, { token: 'x' }, AUTH)
    await waitFor(() => running.requests('/introspect') === 1)
    const started = performance.now()
    await running.close()
    expect(performance.now() - started).toBeLessThan(500)
    await expect(hanging).rejects.toThrow()
  })

  it('resolves quickly with a delayed revocation pending, which then revokes nothing', async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'] })
    const running = await issuer.listen()
    onTestFinished(() => running.close())
    const token = issuer.issueOpaque()
    running.setFault('revoke', { delayMs: 10_000 })
    const delayed = postForm(running.revocationEndpoint, { token }, AUTH)
    await waitFor(() => running.requests('/revoke') === 1)
    await running.close()
    await expect(delayed).rejects.toThrow()
    expect(issuer.introspect(token).active).toBe(true)
  })
})

describe('POST /introspect request limits', () => {
  let issuer: TestIssuer
  let running: RunningIssuer

  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256'] })
    running = await issuer.listen()
  })

  afterAll(() => running.close())

  // Padding makes the body exactly `size` bytes.
  const bodyOf = (token: string, size: number) => {
    const start = `token=${token}&pad=`
    return start + 'a'.repeat(size - start.length)
  }

  it('accepts a body of exactly 64 KiB', async () => {
    const token = issuer.issueOpaque()
    const response = await fetch(running.introspectionEndpoint, {
      method: 'POST',
      headers: { ...AUTH, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: bodyOf(token, 65_536),
    })
    expect(bodyOf(token, 65_536)).toHaveLength(65_536)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ active: true })
  })

  it('answers 413 invalid_request to a body over 64 KiB, and the token is not examined', async () => {
    const token = issuer.issueOpaque()
    const response = await fetch(running.introspectionEndpoint, {
      method: 'POST',
      headers: { ...AUTH, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: bodyOf(token, 65_537),
    })
    expect(response.status).toBe(413)
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'the request body exceeds 65536 bytes',
    })
  })

  it('still answers after a body of several megabytes', async () => {
    const response = await fetch(running.revocationEndpoint, {
      method: 'POST',
      headers: { ...AUTH, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `token=${'x'.repeat(4 * 1024 * 1024)}`,
    })
    expect(response.status).toBe(413)
    expect((await postForm(running.introspectionEndpoint, { token: 'x' }, AUTH)).status).toBe(200)
  })
})

describe('error answers of /introspect and /revoke', () => {
  let issuer: TestIssuer
  let running: RunningIssuer
  let clientKey: TestKey

  beforeAll(async () => {
    clientKey = await generateTestKey('ES256')
    issuer = await createTestIssuer({
      algorithms: ['ES256'],
      clients: [
        DEFAULT_TEST_CLIENT,
        { client_id: 'jwt-client', jwks: { keys: [clientKey.publicJwk] } },
        { client_id: 'rs', bearer_token: 'static-rs-token-0123456789' },
      ],
    })
    running = await issuer.listen()
  })

  afterAll(() => running.close())

  it('never contain a token, a secret or an assertion', async () => {
    const opaque = issuer.issueOpaque()
    const jwt = await issuer.sign()
    const assertion = await clientAssertion(clientKey, 'jwt-client', 'https://wrong.test')
    const secrets = [opaque, jwt, assertion, SECRET, 'wrong-secret-value', 'static-rs-token']
    const requests: [Record<string, string>, Record<string, string>][] = [
      [{ token: opaque }, { Authorization: basic(CLIENT_ID, 'wrong-secret-value') }],
      [{ token: jwt, client_id: CLIENT_ID, client_secret: 'wrong-secret-value' }, {}],
      [{ token: opaque, ...assertionParams(assertion) }, {}],
      [{ token: jwt }, { Authorization: 'Bearer static-rs-token' }],
      [{ token: opaque, client_id: CLIENT_ID, client_secret: SECRET }, AUTH],
      [{ token: opaque, [opaque]: jwt }, { Authorization: `Basic ${opaque}` }],
      [{ client_secret: SECRET, client_id: CLIENT_ID, [jwt]: opaque }, {}],
    ]
    let errors = 0
    for (const endpoint of [running.introspectionEndpoint, running.revocationEndpoint]) {
      for (const [params, headers] of requests) {
        const response = await postForm(endpoint, params, headers)
        expect(response.status).toBeGreaterThanOrEqual(400)
        const text = await response.text()
        const headerText = [...response.headers.entries()].join('\n')
        for (const secret of secrets) {
          expect(text).not.toContain(secret)
          expect(headerText).not.toContain(secret)
        }
        errors++
      }
      const repeated = await fetch(endpoint, {
        method: 'POST',
        headers: AUTH,
        body: new URLSearchParams([
          ['token', opaque],
          ['token', jwt],
        ]),
      })
      expect(repeated.status).toBe(400)
      const text = await repeated.text()
      for (const secret of secrets) expect(text).not.toContain(secret)
    }
    expect(errors).toBe(requests.length * 2)
  })
})

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 100 && !condition(); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
