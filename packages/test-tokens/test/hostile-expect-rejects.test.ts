import { errorLike } from '@tokenguard/test-support/errors'
import { AssertionError } from 'node:assert'
import { createServer } from 'node:http'
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { oauthErrorHandler } from '@tokenguard/core'
import { jwtBearer } from '@tokenguard/jwt-verify'
import type { JwtBearerOptions } from '@tokenguard/jwt-verify'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createTestIssuer, expectRejectsHostileTokens } from '../src/index.js'
import type { RunningIssuer, TestIssuer } from '../src/index.js'

let issuer: TestIssuer
let running: RunningIssuer

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'] })
  running = await issuer.listen()
})

afterAll(async () => {
  await running.close()
})

/** An Express 5 app guarding GET /pets with jwtBearer, rendering errors as RFC 6750 JSON. */
function guardedApp(options: Partial<JwtBearerOptions> = {}, errorHandler = true): RequestListener {
  const app = express()
  app.use(
    jwtBearer({
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksUri: running.jwksUri,
      ...options,
    }),
  )
  app.get('/pets', (_req, res) => {
    res.json({ pets: [] })
  })
  if (errorHandler) app.use(oauthErrorHandler())
  return app
}

/** A broken resource server: it decodes the payload and never checks the signature. */
const decodesWithoutVerifying: RequestListener = (req, res) => {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? ''
  try {
    const payload: unknown = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString(),
    )
    res.setHeader('Content-Type', 'application/json')
    res.end(JSON.stringify({ hello: (payload as { sub?: unknown }).sub }))
  } catch {
    res.statusCode = 401
    res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"')
    res.end()
  }
}

async function failure(run: Promise<unknown>): Promise<AssertionError> {
  const error: unknown = await run.then(
    () => undefined,
    (rejection: unknown) => rejection,
  )
  expect(error).toBeInstanceOf(AssertionError)
  return error as AssertionError
}

async function serveOnce(handler: RequestListener) {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

describe('expectRejectsHostileTokens', () => {
  it('passes against jwtBearer in its default, lenient mode', async () => {
    const checked = await expectRejectsHostileTokens(guardedApp(), '/pets', { issuer })
    expect(checked).toEqual((await issuer.hostile.all()).map((token) => token.name))
    expect(checked).not.toContain('typ-jwt')
  })

  it('passes against jwtBearer in strict RFC 9068 mode, strict-only cases included', async () => {
    const app = guardedApp({ profile: 'rfc9068' })
    const checked = await expectRejectsHostileTokens(app, '/pets', { issuer, strict: true })
    expect(checked).toEqual(expect.arrayContaining(['typ-jwt', 'id-token', 'alg-none']))
  })

  it('passes through Express default error handler, without oauthErrorHandler', async () => {
    await expectRejectsHostileTokens(guardedApp({}, false), '/pets', { issuer })
  })

  it('passes against a running server given by its base URL', async () => {
    const server = await serveOnce(guardedApp())
    onTestFinished(() => server.close())
    await expectRejectsHostileTokens(`${server.url}/`, '/pets', { issuer })
  })

  it('fails a lenient server in strict mode, naming only the strict-only cases', async () => {
    const error = await failure(
      expectRejectsHostileTokens(guardedApp(), '/pets', { issuer, strict: true }),
    )
    const lines = error.message.split('\n').slice(1)
    expect(lines).toEqual([
      '  typ-jwt: got 200 (no error in WWW-Authenticate), wanted 401 invalid_token',
      '  id-token: got 200 (no error in WWW-Authenticate), wanted 401 invalid_token',
    ])
  })

  it('throws one AssertionError naming every case an app that decodes without verifying accepts', async () => {
    const error = await failure(
      expectRejectsHostileTokens(decodesWithoutVerifying, '/pets', { issuer }),
    )
    expect(error.message).toMatch(/^expectRejectsHostileTokens: \d+ of 27 answers of GET \/pets/)
    for (const name of [
      'alg-none',
      'alg-none-nOnE',
      'empty-signature',
      'signature-stripped',
      'hs256-public-key-pem',
      'embedded-jwk',
      'jku',
      'attacker-signed',
      'wrong-issuer',
      'wrong-audience',
      'expired',
      'not-yet-valid',
      'missing-exp',
      'unknown-crit',
      'base64-stray-bits',
      'oversized-header',
    ]) {
      expect(error.message).toContain(
        `\n  ${name}: got 200 (no error in WWW-Authenticate), wanted 401 invalid_token`,
      )
    }
    expect(error.message).toContain(
      '\n  whitespace: got 200 (no error in WWW-Authenticate), wanted 400 invalid_request',
    )
    expect(error.message).not.toContain('valid-token (control)')
    // Every token starts with base64url of '{"', and none may reach the message.
    expect(error.message).not.toContain('eyJ')
  })

  it('names only expired and not-yet-valid for a server with a two-hour clock tolerance', async () => {
    const app = guardedApp({ clockToleranceSec: 7200 })
    const error = await failure(expectRejectsHostileTokens(app, '/pets', { issuer }))
    expect(error.message.split('\n').slice(1)).toEqual([
      '  expired: got 200 (no error in WWW-Authenticate), wanted 401 invalid_token',
      '  not-yet-valid: got 200 (no error in WWW-Authenticate), wanted 401 invalid_token',
    ])
  })

  it('reports a server that answers the right status but echoes the token', async () => {
    const echo: RequestListener = (req: IncomingMessage, res: ServerResponse) => {
      const token = (req.headers.authorization ?? '').slice('Bearer '.length)
      res.statusCode = 401
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"')
      res.end(JSON.stringify({ error: 'invalid_token', received: token }))
    }
    const error = await failure(expectRejectsHostileTokens(echo, '/pets', { issuer }))
    expect(error.message).toContain(
      '\n  alg-none: got 401 invalid_token, and the response echoed the token, wanted 401 invalid_token',
    )
    expect(error.message).toContain('\n  valid-token (control): got 401 invalid_token')
  })

  it('reports the control when the app refuses even a valid token', async () => {
    const app = guardedApp({ audience: 'https://another-api.test' })
    const error = await failure(expectRejectsHostileTokens(app, '/pets', { issuer }))
    expect(error.message.split('\n')[1]).toBe(
      '  valid-token (control): got 401 invalid_token, wanted the token accepted: the app ' +
        'refuses a valid token of this issuer, so the hostile answers prove nothing (check its ' +
        'issuer, audience and the claims option)',
    )
  })

  it('sends the method and headers it is given, and closes the server it started', async () => {
    const seen = new Set<string>()
    let port = 0
    const app: RequestListener = (req, res) => {
      port = req.socket.localPort ?? 0
      const bearer = req.headers.authorization?.startsWith('Bearer ey') === true
      seen.add(`${req.method} ${String(req.headers['x-tenant'])} ${String(bearer)}`)
      res.statusCode = 401
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"')
      res.end()
    }
    const headers = { 'x-tenant': 't1', Authorization: 'x' }
    await failure(expectRejectsHostileTokens(app, '/pets', { issuer, method: 'POST', headers }))
    expect([...seen]).toEqual(['POST t1 true'])
    await expect(fetch(`http://127.0.0.1:${port}/pets`)).rejects.toThrow()
  })

  it('reports a server that never answers by the error name, after timeoutMs', async () => {
    const error = await failure(
      expectRejectsHostileTokens(() => {}, '/pets', { issuer, timeoutMs: 50 }),
    )
    expect(error.message).toContain('\n  alg-none: got no answer (TimeoutError), wanted')
  })

  it('refuses bad arguments with a TypeError that says what to change', async () => {
    const app = guardedApp()
    const call = (path: unknown, options: unknown) =>
      expectRejectsHostileTokens(app, path as string, options as { issuer: TestIssuer })
    await expect(call('/pets', {})).rejects.toThrow(TypeError)
    await expect(call('/pets', {})).rejects.toThrow(
      errorLike(
        TypeError,
        '@tokenguard/test-tokens: options.issuer must be the TestIssuer the app trusts',
      ),
    )
    await expect(call('/pets', undefined)).rejects.toThrow(TypeError)
    await expect(call('/pets', undefined)).rejects.toThrow(
      errorLike(TypeError, /options.issuer is required/),
    )
    await expect(call('pets', { issuer })).rejects.toThrow(TypeError)
    await expect(call('pets', { issuer })).rejects.toThrow(
      errorLike(TypeError, /path must start with "\/"/),
    )
    await expect(call('/pets', { issuer, strickt: true })).rejects.toThrow(TypeError)
    await expect(call('/pets', { issuer, strickt: true })).rejects.toThrow(
      errorLike(TypeError, /unknown expectRejectsHostileTokens option "strickt"/),
    )
    await expect(call('/pets', { issuer, timeoutMs: 0 })).rejects.toThrow(TypeError)
    await expect(call('/pets', { issuer, timeoutMs: 0 })).rejects.toThrow(
      errorLike(TypeError, /timeoutMs/),
    )
    const notAnApp = () => expectRejectsHostileTokens(42 as unknown as string, '/pets', { issuer })
    await expect(notAnApp()).rejects.toThrow(TypeError)
    await expect(notAnApp()).rejects.toThrow(errorLike(TypeError, /app must be a request listener/))
  })
})
