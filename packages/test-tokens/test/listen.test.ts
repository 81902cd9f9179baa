import { errorLike } from '@tokenguard/test-support/errors'
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createTestIssuer, TEST_ALGORITHMS } from '../src/index.js'
import type { RunningIssuer, TestIssuer } from '../src/index.js'

describe('TestIssuer.listen', () => {
  let issuer: TestIssuer
  let running: RunningIssuer

  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: TEST_ALGORITHMS })
    running = await issuer.listen()
  })

  afterAll(() => running.close())

  it('listens on 127.0.0.1 and makes the server origin the issuer', () => {
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(issuer.issuer).toBe(running.url)
    expect(running.jwksUri).toBe(`${running.url}/jwks.json`)
    expect(running.discoveryUrl).toBe(`${running.url}/.well-known/openid-configuration`)
    expect(running.oauthMetadataUrl).toBe(`${running.url}/.well-known/oauth-authorization-server`)
    expect(running.introspectionEndpoint).toBe(`${running.url}/introspect`)
    expect(running.revocationEndpoint).toBe(`${running.url}/revoke`)
  })

  it('mints tokens whose iss is the server origin', async () => {
    expect(decodeJwt(await issuer.sign()).iss).toBe(running.url)
  })

  it.each(TEST_ALGORITHMS)(
    'serves a JWKS that verifies %s tokens through createRemoteJWKSet',
    async (alg) => {
      const jwks = createRemoteJWKSet(new URL(running.jwksUri))
      const { payload, protectedHeader } = await jwtVerify(await issuer.sign({}, { alg }), jwks, {
        issuer: running.url,
        audience: issuer.audience,
        algorithms: [alg],
        typ: 'at+jwt',
      })
      expect(protectedHeader.alg).toBe(alg)
      expect(payload.sub).toBe('user-123')
    },
  )

  it('serves the JWKS as JSON with a five-minute max-age', async () => {
    const response = await fetch(running.jwksUri)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('cache-control')).toBe('max-age=300')
    expect(await response.json()).toEqual(issuer.jwks())
  })

  it.each(['discoveryUrl', 'oauthMetadataUrl'] as const)(
    'serves issuer metadata at %s with the JWKS, introspection, revocation and their auth methods',
    async (name) => {
      const response = await fetch(running[name])
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('application/json')
      const methods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt']
      expect(await response.json()).toEqual({
        issuer: running.url,
        jwks_uri: running.jwksUri,
        introspection_endpoint: running.introspectionEndpoint,
        revocation_endpoint: running.revocationEndpoint,
        introspection_endpoint_auth_methods_supported: methods,
        introspection_endpoint_auth_signing_alg_values_supported: [...TEST_ALGORITHMS],
        revocation_endpoint_auth_methods_supported: methods,
        revocation_endpoint_auth_signing_alg_values_supported: [...TEST_ALGORITHMS],
      })
    },
  )

  it('serves no authorization server endpoint: those come with the mock server', async () => {
    for (const path of ['/authorize', '/token', '/userinfo', '/device_authorization', '/device']) {
      expect((await fetch(running.url + path)).status, path).toBe(404)
    }
  })

  it('answers 404 to other paths and 405 to other methods', async () => {
    const missing = await fetch(`${running.url}/nowhere`)
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ error: 'not_found' })
    const post = await fetch(running.jwksUri, { method: 'POST' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
  })

  it('answers HEAD without a body', async () => {
    const response = await fetch(running.jwksUri, { method: 'HEAD' })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('')
  })

  it('serves key rotation: an added key appears and a removed key disappears', async () => {
    // No cooldown, so jose refetches at once on the unknown kid.
    const jwks = createRemoteJWKSet(new URL(running.jwksUri), { cooldownDuration: 0 })
    await jwtVerify(await issuer.sign({}, { alg: 'ES256' }), jwks)
    const old = issuer.key('ES256')
    const added = await issuer.addKey('ES256', { kid: 'next-es256' })
    issuer.removeKey(old.kid)
    const served = (await (await fetch(running.jwksUri)).json()) as { keys: { kid: string }[] }
    expect(served.keys.map((jwk) => jwk.kid)).toContain(added.kid)
    expect(served.keys.map((jwk) => jwk.kid)).not.toContain(old.kid)
    const { protectedHeader } = await jwtVerify(await issuer.sign({}, { alg: 'ES256' }), jwks)
    expect(protectedHeader.kid).toBe('next-es256')
  })

  it('refuses to listen twice at once', async () => {
    await expect(issuer.listen()).rejects.toThrow(
      errorLike(Error, /already listening; close\(\) it first/),
    )
  })
})

describe('TestIssuer.listen options', () => {
  it('rejects a port out of range and unknown options', async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'] })
    await expect(issuer.listen({ port: 70_000 })).rejects.toThrow(RangeError)
    await expect(issuer.listen({ host: '0.0.0.0' } as never)).rejects.toThrow(TypeError)
    await expect(issuer.listen({ host: '0.0.0.0' } as never)).rejects.toThrow(
      errorLike(TypeError, /unknown listen option "host"/),
    )
    expect(issuer.issuer).toBe('https://issuer.test')
  })
})

describe('RunningIssuer.requests', () => {
  it('counts requests per path, ignoring the query, and in total', async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'] })
    const running = await issuer.listen()
    onTestFinished(() => running.close())
    await fetch(running.jwksUri)
    await fetch(`${running.jwksUri}?v=2`)
    await fetch(running.discoveryUrl)
    await fetch(`${running.url}/nowhere`)
    expect(running.requests('/jwks.json')).toBe(2)
    expect(running.requests('/.well-known/openid-configuration')).toBe(1)
    expect(running.requests('/.well-known/oauth-authorization-server')).toBe(0)
    expect(running.requests()).toBe(4)
    running.resetRequests()
    expect(running.requests()).toBe(0)
  })
})

describe('RunningIssuer.setFault', () => {
  let issuer: TestIssuer
  let running: RunningIssuer

  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256'] })
    running = await issuer.listen()
  })

  afterEach(() => {
    running.setFault('jwks', undefined)
    running.setFault('discovery', undefined)
  })

  afterAll(() => running.close())

  it('answers the fault status with a JSON error body', async () => {
    running.setFault('jwks', { status: 503 })
    const response = await fetch(running.jwksUri)
    expect(response.status).toBe(503)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toMatchObject({ error: 'server_error' })
    await expect(
      jwtVerify(await issuer.sign(), createRemoteJWKSet(new URL(running.jwksUri))),
    ).rejects.toMatchObject({ code: 'ERR_JOSE_GENERIC' })
  })

  it('answers a garbage body with status 200', async () => {
    running.setFault('jwks', { body: '{"keys": not json' })
    const response = await fetch(running.jwksUri)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.text()).toBe('{"keys": not json')
  })

  it('answers a given body with a given status', async () => {
    running.setFault('jwks', { status: 500, body: 'oops' })
    const response = await fetch(running.jwksUri)
    expect(response.status).toBe(500)
    expect(await response.text()).toBe('oops')
  })

  it('delays the normal answer by delayMs', async () => {
    running.setFault('jwks', { delayMs: 150 })
    const started = performance.now()
    const response = await fetch(running.jwksUri)
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
    expect(await response.json()).toEqual(issuer.jwks())
  })

  it('covers both discovery paths and leaves the JWKS alone', async () => {
    running.setFault('discovery', { status: 500 })
    expect((await fetch(running.discoveryUrl)).status).toBe(500)
    expect((await fetch(running.oauthMetadataUrl)).status).toBe(500)
    expect((await fetch(running.jwksUri)).status).toBe(200)
  })

  it('heals the endpoint when the fault is set to undefined', async () => {
    running.setFault('jwks', { status: 500 })
    running.setFault('jwks', undefined)
    expect((await fetch(running.jwksUri)).status).toBe(200)
  })

  it('never answers a hanging endpoint, while counting the request', async () => {
    running.setFault('jwks', { hang: true })
    const before = running.requests('/jwks.json')
    await expect(fetch(running.jwksUri, { signal: AbortSignal.timeout(200) })).rejects.toThrow()
    expect(running.requests('/jwks.json')).toBe(before + 1)
  })

  it('rejects a fault that is not one of the four kinds', () => {
    expect(() => running.setFault('jwks', { status: 99 })).toThrow(TypeError)
    expect(() => running.setFault('jwks', { delayMs: -1 })).toThrow(TypeError)
    expect(() => running.setFault('jwks', {} as never)).toThrow(TypeError)
    expect(() => running.setFault('jwks', {} as never)).toThrow(errorLike(TypeError, /a fault is/))
    expect(() => running.setFault('tokens' as never, { status: 500 })).toThrow(TypeError)
    expect(() => running.setFault('tokens' as never, { status: 500 })).toThrow(
      errorLike(TypeError, 'no endpoint "tokens"'),
    )
  })
})

describe('RunningIssuer.close', () => {
  it('resolves quickly with a hanging request open, and that request fails', async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'] })
    const running = await issuer.listen()
    onTestFinished(() => running.close())
    running.setFault('jwks', { hang: true })
    const hanging = fetch(running.jwksUri)
    await waitFor(() => running.requests('/jwks.json') === 1)
    const started = performance.now()
    await running.close()
    expect(performance.now() - started).toBeLessThan(500)
    await expect(hanging).rejects.toThrow()
  })

  it('resolves quickly with a delayed answer pending', async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'] })
    const running = await issuer.listen()
    onTestFinished(() => running.close())
    running.setFault('discovery', { delayMs: 10_000 })
    const delayed = fetch(running.discoveryUrl)
    await waitFor(() => running.requests() === 1)
    const started = performance.now()
    await running.close()
    expect(performance.now() - started).toBeLessThan(500)
    await expect(delayed).rejects.toThrow()
  })

  it('stops the server, and the issuer can listen again on a new origin', async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'] })
    const first = await issuer.listen()
    onTestFinished(() => first.close())
    await fetch(first.jwksUri)
    await first.close()
    await first.close()
    await expect(fetch(first.jwksUri)).rejects.toThrow()
    expect(issuer.issuer).toBe(first.url)
    const second = await issuer.listen()
    onTestFinished(() => second.close())
    expect(issuer.issuer).toBe(second.url)
    expect((await fetch(second.jwksUri)).status).toBe(200)
  })
})

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 100 && !condition(); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
