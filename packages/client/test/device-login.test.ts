import { createMockAuthorizationServer } from '@tokenguard/mock-authorization-server'
import { describe, expect, it, onTestFinished } from 'vitest'
import { deviceLogin, discoverAuthorizationServer, type DevicePrompt } from '../src/index.js'

async function startServer(settings: { deviceCodeExpiresInSec?: number } = {}) {
  const server = await createMockAuthorizationServer({
    devicePollIntervalSec: 1,
    ...settings,
    clients: [
      {
        client_id: 'cli',
        token_endpoint_auth_method: 'none',
        scope: 'openid offline_access pets:read',
      },
    ],
  })
  const running = await server.listen()
  onTestFinished(() => running.close())
  const config = await discoverAuthorizationServer({ issuer: running.url, clientId: 'cli' })
  return { server, running, config }
}

describe('deviceLogin', () => {
  it('shows the code, polls until the user approves, and returns tokens the server issued', async () => {
    const { server, running, config } = await startServer()
    const prompts: DevicePrompt[] = []
    const tokens = await deviceLogin({
      server: config,
      scope: 'openid offline_access pets:read',
      onPrompt: (prompt) => {
        prompts.push(prompt)
        setTimeout(() => server.approveDevice(prompt.userCode, { sub: 'alice' }), 1500)
      },
    })
    expect(prompts).toEqual([
      {
        userCode: expect.stringMatching(/^[A-Z]{4}-[A-Z]{4}$/),
        verificationUri: running.deviceVerificationUri,
        verificationUriComplete: expect.stringContaining('user_code='),
        expiresInSec: expect.any(Number),
      },
    ])
    expect(server.issuer.introspect(tokens.accessToken)).toMatchObject({
      active: true,
      sub: 'alice',
    })
    expect(tokens.refreshToken).toEqual(expect.any(String))
    // Polls at the interval plus the margin: 1.25 s apart, so about two in 1.5 s, never a burst.
    expect(running.requests('/token')).toBeLessThanOrEqual(3)
  })

  it('rejects with device_authorization_denied when the user denies', async () => {
    const { server, config } = await startServer()
    await expect(
      deviceLogin({
        server: config,
        onPrompt: (prompt) => void setTimeout(() => server.denyDevice(prompt.userCode), 100),
      }),
    ).rejects.toMatchObject({
      name: 'OAuthError',
      status: 401,
      reason: 'device_authorization_denied',
    })
  })

  it('stops when the code expires, with device_authorization_expired', async () => {
    const { config } = await startServer({ deviceCodeExpiresInSec: 2 })
    await expect(deviceLogin({ server: config, onPrompt: () => undefined })).rejects.toMatchObject({
      reason: 'device_authorization_expired',
    })
  })

  it('stops polling at once when the signal aborts, and sends no request after', async () => {
    const { running, config } = await startServer()
    const controller = new AbortController()
    const login = deviceLogin({
      server: config,
      signal: controller.signal,
      onPrompt: () =>
        void setTimeout(() => controller.abort(new Error('cancelled by the user')), 1400),
    })
    await expect(login).rejects.toThrow('cancelled by the user')
    const polls = running.requests('/token')
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(running.requests('/token')).toBe(polls)
  })

  it('adds 5 s to the interval on slow_down', async () => {
    const { server, running, config } = await startServer()
    const polledAt: number[] = []
    let userCode = ''
    running.setFault('token', { status: 400, body: '{"error":"slow_down"}' })
    const login = deviceLogin({
      server: config,
      onPrompt: (prompt) => {
        userCode = prompt.userCode
      },
    })
    await expect.poll(() => running.requests('/token'), { timeout: 5000 }).toBe(1)
    polledAt.push(performance.now())
    running.setFault('token', undefined)
    server.approveDevice(userCode)
    await login
    polledAt.push(performance.now())
    expect(running.requests('/token')).toBe(2)
    // At least 1 s + 5 s (+ margin) between the slow_down and the next poll.
    expect((polledAt[1] ?? 0) - (polledAt[0] ?? 0)).toBeGreaterThan(6000)
  }, 20_000)

  it('refuses options that cannot work', async () => {
    const { config } = await startServer()
    await expect(
      deviceLogin({ server: config, onPromt: () => undefined } as never),
    ).rejects.toThrow(/Did you mean "onPrompt"/)
    await expect(deviceLogin({ server: {} as never, onPrompt: () => undefined })).rejects.toThrow(
      TypeError,
    )
  })
})
