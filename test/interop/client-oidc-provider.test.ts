import type { RequestListener } from 'node:http'
import {
  createServiceTokens,
  createWebLogin,
  deviceLogin,
  discoverAuthorizationServer,
  type OAuthRequestContext,
  type SessionRecord,
} from '@tokenguard/client'
import { createMemoryStore, oauthErrorHandler, type Store } from '@tokenguard/core'
import { serve } from '@tokenguard/test-support/serve'
import express from 'express'
import { describe, expect, it, onTestFinished } from 'vitest'
import { CLIENT_APPS, startClientProvider } from './client-provider.js'

// @tokenguard/client against a real, certified OpenID Provider (oidc-provider 9): login with
// code + PKCE driven headlessly through the provider's own pages, refresh with rotation,
// revocation at logout, client credentials and the device flow.

/** A cookie jar that follows redirects by hand and signs in on the provider's dev pages. */
function createBrowser() {
  const cookies = new Map<string, string>()
  async function go(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '))
    const response = await fetch(url, { ...init, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? ''
      const equals = pair.indexOf('=')
      if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(line)) cookies.delete(pair.slice(0, equals))
      else cookies.set(pair.slice(0, equals), pair.slice(equals + 1))
    }
    return response
  }
  return {
    cookies,
    go,
    /** Follows redirects from `url`, logging in as `user` and consenting when the provider asks. */
    async browse(url: string, user: string, first?: Response, stopAt?: string): Promise<Response> {
      let response = first ?? (await go(url))
      for (let step = 0; step < 16; step++) {
        const location = response.headers.get('location')
        if (location === null) return response
        const next = new URL(location, url).href
        if (stopAt !== undefined && next.startsWith(stopAt)) return response
        if (/\/interaction\/[^/]+$/.test(new URL(next).pathname)) {
          const page = await (await go(next)).text()
          const form = page.includes('name="login"')
            ? { prompt: 'login', login: user, password: 'any' }
            : { prompt: 'consent' }
          response = await go(next, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams(form).toString(),
          })
        } else {
          response = await go(next)
        }
        url = next
      }
      throw new Error('too many redirects')
    },
  }
}

async function startWebApp(options: { clock?: () => number; store?: Store<SessionRecord> } = {}) {
  let inner: RequestListener = (_req, res) => res.end()
  const app = await serve((req, res) => inner(req, res))
  onTestFinished(() => app.close())
  const provider = await startClientProvider(`${app.url}/callback`)
  onTestFinished(() => provider.close())
  const server = await discoverAuthorizationServer({
    issuer: provider.issuer,
    clientId: CLIENT_APPS.web.id,
    clientSecret: CLIENT_APPS.web.secret,
  })
  const web = createWebLogin({
    server,
    redirectUri: `${app.url}/callback`,
    cookieSecret: 'a-cookie-secret-of-at-least-32-characters',
    authorizationParams: { prompt: 'consent' },
    ...(options.clock === undefined ? {} : { now: options.clock }),
    ...(options.store === undefined ? {} : { sessionStore: options.store }),
  })
  const express5 = express()
  express5.use(web.session())
  express5.get('/login', web.login())
  express5.get('/callback', web.callback())
  express5.post('/logout', web.logout())
  express5.get('/me', (req, res, next) => {
    const oauth = req.oauth as OAuthRequestContext
    oauth
      .getAccessToken()
      .then((token) => res.json({ sub: oauth.user?.sub, token: token.length > 0 }), next)
  })
  express5.use(oauthErrorHandler())
  inner = express5
  return { app, provider }
}

describe('@tokenguard/client with oidc-provider', () => {
  it('logs in with code + PKCE + nonce, refreshes with rotation once for 20 concurrent calls, and revokes at logout', async () => {
    let clock = Date.now()
    const store = createMemoryStore<SessionRecord>()
    const records: SessionRecord[] = []
    const recording: Store<SessionRecord> = {
      get: (key) => store.get(key),
      set: (key, value, ttl) => {
        if (!key.endsWith('|refresh-lock')) records.push(value)
        return store.set(key, value, ttl)
      },
      delete: (key) => store.delete(key),
      setIfAbsent: (key, value, ttl) => store.setIfAbsent!(key, value, ttl),
    }
    const { app, provider } = await startWebApp({ clock: () => clock, store: recording })
    const browser = createBrowser()
    const landed = await browser.browse(`${app.url}/login?returnTo=/me`, 'alice')
    expect(landed.status).toBe(200)
    expect(await landed.json()).toEqual({ sub: 'alice', token: true })
    const first = records.at(-1)
    expect(first?.refreshToken).toEqual(expect.any(String))

    clock += 120_000 // past the 60 s access token
    const before = provider.tokenRequests()
    const answers = await Promise.all(Array.from({ length: 20 }, () => browser.go(`${app.url}/me`)))
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 20 }, () => 200))
    expect(provider.tokenRequests() - before).toBe(1)
    const rotated = records.at(-1)
    expect(rotated?.refreshToken).not.toBe(first?.refreshToken)
    expect(await provider.isActive(rotated?.accessToken ?? '')).toBe(true)

    const logout = await browser.go(`${app.url}/logout`, { method: 'POST' })
    expect(logout.status).toBe(302)
    expect(await provider.isActive(rotated?.refreshToken ?? '')).toBe(false)
    expect((await browser.go(`${app.url}/me`)).status).toBe(401)
  })

  it('refuses a callback whose state was tampered with, and starts no session', async () => {
    const { app } = await startWebApp()
    const browser = createBrowser()
    const login = await browser.go(`${app.url}/login`)
    // Rewrite the state of the provider's redirect to our callback, as an attacker would.
    const callback = await browser.browse(
      login.headers.get('location') ?? '',
      'alice',
      undefined,
      `${app.url}/callback`,
    )
    const tampered = new URL(callback.headers.get('location') ?? '')
    tampered.searchParams.set('state', 'tampered-state-value')
    const answer = await browser.go(tampered.href)
    expect(answer.status).toBe(400)
    expect(await answer.text()).toMatch(/Login failed/)
    expect(browser.cookies.has('tokenguard.sid')).toBe(false)
  })

  it('gets one client-credentials token for 50 concurrent callers', async () => {
    const provider = await startClientProvider('http://127.0.0.1/unused')
    onTestFinished(() => provider.close())
    const server = await discoverAuthorizationServer({
      issuer: provider.issuer,
      clientId: CLIENT_APPS.service.id,
      clientSecret: CLIENT_APPS.service.secret,
    })
    const tokens = createServiceTokens({ server, scope: 'pets:stats' })
    const got = await Promise.all(Array.from({ length: 50 }, () => tokens.getToken()))
    expect(new Set(got).size).toBe(1)
    expect(provider.tokenRequests()).toBe(1)
    expect(await provider.isActive(got[0] ?? '')).toBe(true)
  })

  it('logs a CLI in with the device flow once the user approves on the provider pages', async () => {
    const provider = await startClientProvider('http://127.0.0.1/unused')
    onTestFinished(() => provider.close())
    const server = await discoverAuthorizationServer({
      issuer: provider.issuer,
      clientId: CLIENT_APPS.cli.id,
    })
    const tokens = await deviceLogin({
      server,
      scope: 'openid offline_access',
      onPrompt: async ({ verificationUri, userCode }) => {
        const browser = createBrowser()
        const form = async (page: Response, extra: Record<string, string>) => {
          const fields: Record<string, string> = Object.fromEntries(
            [
              ...(await page.text()).matchAll(
                /<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g,
              ),
            ].map((m) => [m[1] ?? '', m[2] ?? '']),
          )
          return browser.go(verificationUri, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ ...fields, ...extra }).toString(),
          })
        }
        const confirm = await form(await browser.go(verificationUri), { user_code: userCode })
        const approved = await form(confirm, {})
        const done = await browser.browse(
          new URL(approved.headers.get('location') ?? '', verificationUri).href,
          'bob',
          approved,
        )
        expect(done.status).toBe(200)
      },
    })
    expect(await provider.isActive(tokens.accessToken)).toBe(true)
  }, 30_000)
})
