import { request } from 'node:http'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockAuthorizationServer } from '../src/index.js'
import type { MockAuthorizationServer, RunningAuthorizationServer } from '../src/index.js'
import { basic, postForm } from '@tokenguard/test-support/form-requests'
import { tokenRequest } from './support/oauth-flows.js'

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
const SECRET = 'tv-app-secret-0123456789abcdefghijklmnopq'

describe('the device authorization grant (RFC 8628)', () => {
  let server: MockAuthorizationServer
  let running: RunningAuthorizationServer
  let clock = 1_800_000_000_000

  beforeAll(async () => {
    server = await createMockAuthorizationServer({
      issuerOptions: { algorithms: ['ES256'], now: () => clock },
      subject: 'dana',
      users: { dana: { name: 'Dana' } },
      clients: [
        { client_id: 'tv', token_endpoint_auth_method: 'none', scope: 'openid tv:watch' },
        { client_id: 'radio', token_endpoint_auth_method: 'none' },
        { client_id: 'cli', client_secret: SECRET, grant_types: ['client_credentials'] },
      ],
    })
    running = await server.listen()
  })

  afterAll(() => running.close())

  const start = async (params: Record<string, string> = {}) => {
    const response = await postForm(running.deviceAuthorizationEndpoint, {
      client_id: 'tv',
      ...params,
    })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }

  const poll = (deviceCode: string, clientId = 'tv') =>
    tokenRequest(running, {
      grant_type: DEVICE_GRANT,
      device_code: deviceCode,
      client_id: clientId,
    })

  it('starts with a device code, a user code, where to go, lifetime and interval', async () => {
    const { status, body } = await start({ scope: 'tv:watch' })
    expect(status).toBe(200)
    const userCode = body.user_code as string
    expect(userCode).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/)
    expect(body).toEqual({
      device_code: expect.stringMatching(/^[\w-]{43}$/),
      user_code: userCode,
      verification_uri: running.deviceVerificationUri,
      verification_uri_complete: `${running.deviceVerificationUri}?user_code=${userCode}`,
      expires_in: 600,
      interval: 5,
    })
  })

  it('answers authorization_pending, slow_down when polled too fast, then tokens once', async () => {
    const { body } = await start()
    const deviceCode = body.device_code as string
    expect((await poll(deviceCode)).body.error).toBe('authorization_pending')
    clock += 1_000
    const fast = await poll(deviceCode)
    expect(fast.status).toBe(400)
    expect(fast.body).toEqual({
      error: 'slow_down',
      error_description: 'poll at most every 10 seconds',
    })
    clock += 9_000
    expect((await poll(deviceCode)).body.error).toBe('slow_down')
    clock += 15_000
    expect((await poll(deviceCode)).body.error).toBe('authorization_pending')
    server.approveDevice((body.user_code as string).toLowerCase().replace('-', ' '))
    const done = await poll(deviceCode)
    expect(done.status).toBe(200)
    expect(done.body).toMatchObject({
      token_type: 'Bearer',
      scope: 'openid tv:watch',
      refresh_token: expect.any(String),
      id_token: expect.any(String),
    })
    expect(decodeJwt(done.body.access_token as string)).toMatchObject({
      sub: 'dana',
      client_id: 'tv',
    })
    expect((await poll(deviceCode)).body.error).toBe('invalid_grant')
  })

  it('answers access_denied once the user denies', async () => {
    const { body } = await start()
    server.denyDevice(body.user_code as string)
    const denied = await poll(body.device_code as string)
    expect(denied.body.error).toBe('access_denied')
  })

  it('answers expired_token after the device code lifetime', async () => {
    const { body } = await start()
    clock += 601_000
    const expired = await poll(body.device_code as string)
    expect(expired.status).toBe(400)
    expect(expired.body.error).toBe('expired_token')
    expect(() => server.approveDevice(body.user_code as string)).toThrow(RangeError)
  })

  it('refuses to approve an unknown user code without repeating it', () => {
    let message = ''
    try {
      server.approveDevice('ZZZZ-QQQQ', { sub: 'dana' })
    } catch (error) {
      expect(error).toBeInstanceOf(RangeError)
      message = (error as Error).message
    }
    expect(message).toBe(
      '@tokenguard/mock-authorization-server: no pending device authorization has this user code',
    )
    expect(message).not.toContain('ZZZZ')
    expect(() => server.approveDevice('ZZZZ-QQQQ', { sub: '' })).toThrow(TypeError)
  })

  it('refuses a device code of another client and an unknown one', async () => {
    const { body } = await start()
    const stolen = await poll(body.device_code as string, 'radio')
    expect(stolen.body).toEqual({
      error: 'invalid_grant',
      error_description: 'the device code was issued to another client',
    })
    expect((await poll('never-issued')).body.error).toBe('invalid_grant')
  })

  it('refuses a client without the grant, and a scope it may not have', async () => {
    const polled = await tokenRequest(
      running,
      { grant_type: DEVICE_GRANT, device_code: 'x' },
      { Authorization: basic('cli', SECRET) },
    )
    expect(polled.body.error).toBe('unauthorized_client')
    const response = await postForm(
      running.deviceAuthorizationEndpoint,
      {},
      { Authorization: basic('cli', SECRET) },
    )
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'unauthorized_client' })
    const wide = await start({ scope: 'admin' })
    expect(wide.status).toBe(400)
    expect(wide.body.error).toBe('invalid_scope')
    const unknown = await postForm(running.deviceAuthorizationEndpoint, { client_id: 'nobody' })
    expect(unknown.status).toBe(401)
  })

  it('approves through the verification page, as a user would', async () => {
    const { body } = await start()
    const page = await fetch(
      `${running.deviceVerificationUri}?user_code=${body.user_code as string}`,
    )
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain(`value="${body.user_code as string}"`)
    const consent = /name="consent" value="([^"]+)"/.exec(html)![1]!
    const approved = await postForm(running.deviceVerificationUri, {
      consent,
      user_code: body.user_code as string,
      username: 'erin',
      decision: 'approve',
    })
    expect(approved.status).toBe(200)
    expect(await approved.text()).toContain('Device approved')
    clock += 10_000
    const done = await poll(body.device_code as string)
    expect(decodeJwt(done.body.access_token as string).sub).toBe('erin')
  })

  it('shows an error for a wrong code on the page, without repeating it', async () => {
    const html = await (await fetch(running.deviceVerificationUri)).text()
    const consent = /name="consent" value="([^"]+)"/.exec(html)![1]!
    const response = await postForm(running.deviceVerificationUri, {
      consent,
      user_code: 'WXYZ-WXYZ',
      username: 'erin',
      decision: 'approve',
    })
    expect(response.status).toBe(400)
    const text = await response.text()
    expect(text).toContain('The code is unknown, expired or already used.')
    expect(text).not.toContain('WXYZ')
  })
})

describe('the device verification page under guessing (RFC 8628 §5.1)', () => {
  let server: MockAuthorizationServer
  let running: RunningAuthorizationServer
  let clock = 1_800_000_000_000
  const WRONG = 'BBBB-BBBB'

  beforeAll(async () => {
    server = await createMockAuthorizationServer({
      issuerOptions: { algorithms: ['ES256'], now: () => clock },
      deviceCodeExpiresInSec: 3600,
      clients: [{ client_id: 'tv', token_endpoint_auth_method: 'none' }],
    })
    running = await server.listen()
  })

  afterAll(() => running.close())

  const start = async () => {
    const response = await postForm(running.deviceAuthorizationEndpoint, { client_id: 'tv' })
    const body = (await response.json()) as { device_code: string; user_code: string }
    // A wrong code must be wrong: the real one is random.
    expect(body.user_code).not.toBe(WRONG)
    return body
  }

  const poll = (deviceCode: string) =>
    tokenRequest(running, { grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: 'tv' })

  // Loads the page, then posts the code from `localAddress`, another client on this machine.
  const guess = async (localAddress: string, userCode: string) => {
    const html = await (await fetch(running.deviceVerificationUri)).text()
    const consent = /name="consent" value="([^"]+)"/.exec(html)![1]!
    const form = new URLSearchParams({
      consent,
      user_code: userCode,
      username: 'erin',
      decision: 'approve',
    })
    return new Promise<{ status: number; retryAfter: string | undefined; text: string }>(
      (resolve, reject) => {
        const sent = request(
          running.deviceVerificationUri,
          {
            method: 'POST',
            localAddress,
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          },
          (response) => {
            let text = ''
            response.setEncoding('utf8')
            response.on('data', (chunk: string) => (text += chunk))
            response.on('end', () => {
              const retryAfter = response.headers['retry-after']
              resolve({ status: response.statusCode ?? 0, retryAfter, text })
            })
          },
        )
        sent.on('error', reject)
        sent.end(form.toString())
      },
    )
  }

  it('locks an address out after 5 wrong codes, even for the right one, for 15 minutes', async () => {
    const device = await start()
    for (let attempt = 1; attempt <= 5; attempt++) {
      const wrong = await guess('127.0.0.2', WRONG)
      expect(wrong.status, `attempt ${attempt}`).toBe(400)
    }
    const locked = await guess('127.0.0.2', device.user_code)
    expect(locked.status).toBe(429)
    expect(locked.retryAfter).toBe('900')
    expect(locked.text).toContain('Too many wrong codes from this address; try again in 15 min.')
    expect(locked.text).not.toContain(device.user_code)
    expect((await poll(device.device_code)).body.error).toBe('authorization_pending')
    // Another address is not locked out by this one.
    expect((await guess('127.0.0.3', WRONG)).status).toBe(400)
    clock += 15 * 60_000
    const approved = await guess('127.0.0.2', device.user_code)
    expect(approved.status).toBe(200)
    expect(approved.text).toContain('Device approved')
    expect((await poll(device.device_code)).status).toBe(200)
  })

  it('spends a device code after 50 wrong codes from any addresses: the device starts again', async () => {
    const device = await start()
    for (let attempt = 0; attempt < 50; attempt++) {
      // Four guesses per address, under the lockout of each.
      const address = `127.0.0.${10 + Math.floor(attempt / 4)}`
      expect((await guess(address, WRONG)).status, `attempt ${attempt} from ${address}`).toBe(400)
    }
    const late = await guess('127.0.0.100', device.user_code)
    expect(late.status).toBe(400)
    expect(late.text).toContain('The code is unknown, expired or already used.')
    expect(() => server.approveDevice(device.user_code)).toThrow(RangeError)
    clock += 10_000
    const polled = await poll(device.device_code)
    expect(polled.body).toEqual({
      error: 'expired_token',
      error_description: 'the device code expired',
    })
    // A device that starts after the guesses has its full budget.
    const next = await start()
    expect((await guess('127.0.0.101', next.user_code)).status).toBe(200)
  })
})
