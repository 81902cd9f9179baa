import { DEFAULT_TEST_CLIENT } from '@tokenguard/test-tokens'
import type { TestIssuer } from '@tokenguard/test-tokens'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockAuthorizationServer } from '../src/index.js'
import type { AuthorizationServerFaultEndpoint, RunningAuthorizationServer } from '../src/index.js'
import { basic } from '@tokenguard/test-support/form-requests'

describe('faults of the authorization server endpoints', () => {
  let issuer: TestIssuer
  let running: RunningAuthorizationServer

  beforeAll(async () => {
    const server = await createMockAuthorizationServer({ issuerOptions: { algorithms: ['ES256'] } })
    issuer = server.issuer
    running = await server.listen({ autoApprove: true })
  })

  afterAll(() => running.close())

  const AUTH = {
    Authorization: basic(DEFAULT_TEST_CLIENT.client_id, DEFAULT_TEST_CLIENT.client_secret),
  }
  const calls: [
    AuthorizationServerFaultEndpoint,
    (signal?: AbortSignal) => Promise<Response>,
    string,
  ][] = [
    [
      'token',
      (signal) =>
        fetch(running.tokenEndpoint, {
          method: 'POST',
          headers: AUTH,
          body: new URLSearchParams({ grant_type: 'client_credentials' }),
          signal: signal ?? null,
        }),
      '/token',
    ],
    [
      'authorize',
      (signal) => fetch(running.authorizationEndpoint, { signal: signal ?? null }),
      '/authorize',
    ],
    [
      'authorize',
      (signal) => fetch(running.deviceVerificationUri, { signal: signal ?? null }),
      '/device',
    ],
    [
      'userinfo',
      async (signal) =>
        fetch(running.userinfoEndpoint, {
          headers: { Authorization: `Bearer ${await issuer.sign()}` },
          signal: signal ?? null,
        }),
      '/userinfo',
    ],
    [
      'device_authorization',
      (signal) =>
        fetch(running.deviceAuthorizationEndpoint, {
          method: 'POST',
          headers: AUTH,
          body: new URLSearchParams(),
          signal: signal ?? null,
        }),
      '/device_authorization',
    ],
  ]

  it.each(calls)(
    '%s answers the fault status, body, delay and hang, then heals',
    async (endpoint, call, path) => {
      running.setFault(endpoint, { status: 503 })
      const failed = await call()
      expect(failed.status).toBe(503)
      expect(await failed.json()).toMatchObject({ error: 'server_error' })
      running.setFault(endpoint, { body: '<html>oops' })
      const garbage = await call()
      expect(garbage.status).toBe(200)
      expect(await garbage.text()).toBe('<html>oops')
      running.setFault(endpoint, { delayMs: 100 })
      const started = performance.now()
      await call()
      expect(performance.now() - started).toBeGreaterThanOrEqual(90)
      running.setFault(endpoint, { hang: true })
      const before = running.requests(path)
      await expect(call(AbortSignal.timeout(150))).rejects.toThrow()
      expect(running.requests(path)).toBe(before + 1)
      running.setFault(endpoint, undefined)
      expect((await call()).status).toBeLessThan(500)
    },
  )
})
