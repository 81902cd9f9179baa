import {
  createServiceTokens,
  createWebLogin,
  deviceLogin,
  discoverAuthorizationServer,
  type OAuthRequestContext,
  type SessionRecord,
} from '@tokenguard/client'
import { createMemoryStore, oauthErrorHandler, type Store } from '@tokenguard/core'
import { createMockAuthorizationServer } from '@tokenguard/mock-authorization-server'
import { requestLogger } from '@tokenguard/redact'
import { errorText } from '@tokenguard/test-support/errors'
import { serve } from '@tokenguard/test-support/serve'
import express from 'express'
import { describe, expect, it, onTestFinished } from 'vitest'

// The suite's rule for the client half: no token, secret, code, verifier or session id in a
// log line, an error (its message, fields and causes), a page or a redirect. Every failure
// the client can meet is provoked; everything it produced is searched for every secret.

describe('no secret in what @tokenguard/client produces', () => {
  it('keeps every token, secret, code, verifier and session id out of errors, pages, redirects and log lines', async () => {
    const secrets: string[] = []
    const produced: string[] = []
    const logLines: string[] = []
    const clientSecret = 'a-long-enough-secret-for-the-web-app-x1'
    const server = await createMockAuthorizationServer({
      autoApprove: true,
      devicePollIntervalSec: 1,
    })
    const running = await server.listen()
    onTestFinished(() => running.close())
    secrets.push(clientSecret)

    // A web app under requestLogger: login, refresh, a revoked refresh token, logout.
    let clock = Date.now()
    const store = createMemoryStore<SessionRecord>()
    const recording: Store<SessionRecord> = {
      get: (key) => store.get(key),
      set: (key, value, ttl) => {
        secrets.push(
          value.accessToken,
          ...(value.refreshToken === undefined ? [] : [value.refreshToken]),
        )
        return store.set(key, value, ttl)
      },
      delete: (key) => store.delete(key),
      setIfAbsent: (key, value, ttl) => store.setIfAbsent!(key, value, ttl),
    }
    let inner: express.Express = express()
    const app = await serve((req, res) => {
      inner(req, res)
    })
    onTestFinished(() => app.close())
    server.registerClient({
      client_id: 'web',
      client_secret: clientSecret,
      redirect_uris: [`${app.url}/callback`],
    })
    const config = await discoverAuthorizationServer({
      issuer: running.url,
      clientId: 'web',
      clientSecret,
    })
    const web = createWebLogin({
      server: config,
      redirectUri: `${app.url}/callback`,
      cookieSecret: 'a-cookie-secret-of-at-least-32-characters',
      sessionStore: recording,
      now: () => clock,
    })
    inner = express()
    inner.use(
      requestLogger({
        logger: {
          info: (entry: unknown) => logLines.push(JSON.stringify(entry)),
          warn: (entry: unknown) => logLines.push(JSON.stringify(entry)),
          error: (entry: unknown) => logLines.push(JSON.stringify(entry)),
        },
      }),
    )
    inner.use(web.session())
    inner.get('/login', web.login())
    inner.get('/callback', web.callback())
    inner.post('/logout', web.logout())
    inner.get('/me', (req, res, next) => {
      ;(req.oauth as OAuthRequestContext).getAccessToken().then(() => res.json({ ok: true }), next)
    })
    inner.use(
      (err: unknown, _req: express.Request, _res: express.Response, next: express.NextFunction) => {
        produced.push(errorText(err))
        next(err)
      },
    )
    inner.use(oauthErrorHandler())

    const cookies = new Map<string, string>()
    const go = async (url: string, init: RequestInit = {}) => {
      const response = await fetch(url, {
        ...init,
        redirect: 'manual',
        headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
      })
      for (const line of response.headers.getSetCookie()) {
        const pair = line.split(';')[0] ?? ''
        const [name = '', value = ''] = pair.split('=')
        cookies.set(name, value)
        if (name === 'tokenguard.sid' && value !== '') secrets.push(value)
      }
      produced.push(response.headers.get('location') ?? '', await response.clone().text())
      return response
    }
    const login = await go(`${app.url}/login`)
    const authorize = await fetch(login.headers.get('location') ?? '', { redirect: 'manual' })
    const callback = new URL(authorize.headers.get('location') ?? '')
    secrets.push(callback.searchParams.get('code') ?? '')
    expect((await go(callback.href)).status).toBe(302)
    // The same code again (a replay) and a tampered state: 400 pages.
    await go(callback.href)
    callback.searchParams.set('state', 'x')
    await go(callback.href)
    clock += 400_000
    expect((await go(`${app.url}/me`)).status).toBe(200)
    expect(secrets.some((value) => server.issuer.introspect(value).active)).toBe(true)
    // Revoke every refresh token, then make the session refresh: it ends (invalid_grant).
    for (const value of secrets) server.issuer.revoke(value)
    clock += 400_000
    expect((await go(`${app.url}/me`)).status).toBe(401)
    await go(`${app.url}/logout`, { method: 'POST' })

    // Service tokens: a wrong secret, then an outage.
    const wrong = 'a-wrong-secret-that-must-never-appear-1'
    secrets.push(wrong)
    const refused = await discoverAuthorizationServer({
      issuer: running.url,
      clientId: 'web',
      clientSecret: wrong,
    })
    produced.push(
      errorText(
        await createServiceTokens({ server: refused })
          .getToken()
          .catch((e: unknown) => e),
      ),
    )
    running.setFault('token', { status: 503, retryAfterSec: 3 })
    produced.push(
      errorText(
        await createServiceTokens({ server: config })
          .getToken()
          .catch((e: unknown) => e),
      ),
    )
    running.setFault('token', undefined)

    // The device flow: denied.
    produced.push(
      errorText(
        await deviceLogin({
          server: config,
          onPrompt: (prompt) => void setTimeout(() => server.denyDevice(prompt.userCode), 50),
        }).catch((e: unknown) => e),
      ),
    )

    const corpus = [...produced, ...logLines].join('\n')
    const found = secrets.filter((value) => value.length >= 16 && corpus.includes(value))
    expect(found.map((value) => `${value.slice(0, 6)}… (${value.length} chars)`)).toEqual([])
    expect(secrets.length).toBeGreaterThan(5)
    expect(logLines.length).toBeGreaterThan(5)
  }, 30_000)
})
