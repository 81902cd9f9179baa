import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestIssuer, DEFAULT_TEST_CLIENT } from '@tokenguard/test-tokens'
import type { TestIssuer } from '@tokenguard/test-tokens'
import { createMockAuthorizationServer } from '../src/index.js'
import type { MockAuthorizationServer, RunningAuthorizationServer } from '../src/index.js'

describe('GET /userinfo', () => {
  let server: MockAuthorizationServer
  let issuer: TestIssuer
  let running: RunningAuthorizationServer

  beforeAll(async () => {
    server = await createMockAuthorizationServer({
      issuerOptions: { algorithms: ['ES256'] },
      users: { alice: { name: 'Alice', email: 'alice@example.test', sub: 'ignored' } },
    })
    issuer = server.issuer
    running = await server.listen()
  })

  afterAll(() => running.close())

  const userinfo = (authorization?: string, method = 'GET') =>
    fetch(running.userinfoEndpoint, {
      method,
      headers: authorization === undefined ? {} : { Authorization: authorization },
    })

  it('answers sub and the configured claims for a JWT access token', async () => {
    const response = await userinfo(`Bearer ${await issuer.sign({ sub: 'alice' })}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toEqual({
      sub: 'alice',
      name: 'Alice',
      email: 'alice@example.test',
    })
  })

  it('answers sub alone for an opaque token of a user without claims, also to POST', async () => {
    const response = await userinfo(`bearer ${issuer.issueOpaque({ sub: 'bob' })}`, 'POST')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ sub: 'bob' })
  })

  it('answers 401 with a bare Bearer challenge when no token is sent', async () => {
    for (const authorization of [undefined, 'Basic abc', 'Bearer']) {
      const response = await userinfo(authorization)
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="test-issuer"')
    }
  })

  it('answers 401 invalid_token to expired, revoked, refresh and foreign tokens', async () => {
    const revoked = issuer.issueOpaque({ sub: 'alice' })
    issuer.revoke(revoked)
    const foreign = await (await createTestIssuer({ algorithms: ['ES256'] })).sign()
    const tokens = [
      await issuer.sign({ sub: 'alice' }, { expiresInSec: -10 }),
      revoked,
      issuer.issueOpaque({ sub: 'alice' }, { tokenType: 'refresh_token' }),
      foreign,
      DEFAULT_TEST_CLIENT.client_secret,
    ]
    for (const token of tokens) {
      const response = await userinfo(`Bearer ${token}`)
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toBe(
        'Bearer realm="test-issuer", error="invalid_token", error_description="The access token is not active"',
      )
      const text = await response.text()
      expect(text).not.toContain(token)
    }
  })
})
