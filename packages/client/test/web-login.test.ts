import { frameworks } from '@tokenguard/test-support/serve'
import { describe, expect, it } from 'vitest'
import { Browser, countingStore, startWebLogin } from './web-fixture.js'

async function logIn(browser: Browser, appUrl: string, returnTo = '/me') {
  return browser.follow(`${appUrl}/login?returnTo=${encodeURIComponent(returnTo)}`)
}

describe('createWebLogin', () => {
  for (const framework of frameworks) {
    it(`logs a user in with code + PKCE + state + nonce and keeps the tokens on the server (${framework.name})`, async () => {
      const { apps } = await startWebLogin({ framework })
      const app = apps[0]!
      const browser = new Browser()
      const login = await browser.get(`${app.url}/login?returnTo=/me`)
      expect(login.status).toBe(302)
      const authorize = new URL(login.headers.get('location') ?? '')
      expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
        response_type: 'code',
        client_id: 'web',
        code_challenge_method: 'S256',
        scope: 'openid offline_access',
      })
      expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{43}$/)
      expect(authorize.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/)
      const me = await browser.follow(authorize.href)
      expect(me.status).toBe(200)
      const body = await me.text()
      expect(JSON.parse(body)).toMatchObject({ user: { sub: 'alice' }, active: true })
      const session = browser.cookie(app.url, 'tokenguard.sid')
      expect(session?.value).toMatch(/^[\w-]{43}$/)
      expect(session?.attributes).toMatch(/HttpOnly/)
      expect(session?.attributes).toMatch(/SameSite=Lax/)
      expect(session?.attributes).toMatch(/Secure/)
      // Only the session id and no token: the cookies are the id alone, the page is JSON without tokens.
      expect([...browser.cookies.keys()].map((key) => key.split(' ')[1])).toEqual([
        'tokenguard.sid',
      ])
      expect(body).not.toMatch(/eyJ/)
    })
  }

  it('lets two tabs log in at the same time: each login has its own transaction', async () => {
    const { apps } = await startWebLogin()
    const app = apps[0]!
    const browser = new Browser()
    const first = await browser.get(`${app.url}/login?returnTo=/me`)
    const second = await browser.get(`${app.url}/login?returnTo=/pages/me`)
    const hops = await Promise.all(
      [first, second].map((response) =>
        fetch(response.headers.get('location') ?? '', { redirect: 'manual' }),
      ),
    )
    const callbacks = hops.map((hop) => hop.headers.get('location') ?? '')
    const landed = []
    for (const callback of callbacks) {
      const answer = await browser.get(callback)
      landed.push([answer.status, answer.headers.get('location')])
    }
    expect(landed).toEqual([
      [302, '/me'],
      [302, '/pages/me'],
    ])
  })

  it('answers a tampered state, a replayed callback and a foreign iss with a clear 400 page, and stores nothing', async () => {
    const { store, writes } = countingStore()
    const { apps, running } = await startWebLogin({ stores: [store] })
    const app = apps[0]!
    const cases: [string, (callback: URL) => URL][] = [
      [
        'tampered state',
        (url) => (url.searchParams.set('state', `${url.searchParams.get('state')}x`), url),
      ],
      ['missing state', (url) => (url.searchParams.delete('state'), url)],
      ['foreign iss', (url) => (url.searchParams.set('iss', 'https://evil.example'), url)],
      ['missing code', (url) => (url.searchParams.delete('code'), url)],
      ['wrong code', (url) => (url.searchParams.set('code', 'x'.repeat(40)), url)],
    ]
    for (const [label, tamper] of cases) {
      const browser = new Browser()
      const login = await browser.get(`${app.url}/login`)
      const hop = await fetch(login.headers.get('location') ?? '', { redirect: 'manual' })
      const callback = tamper(new URL(hop.headers.get('location') ?? ''))
      const answer = await browser.get(callback.href)
      expect(answer.status, label).toBe(400)
      expect(answer.headers.get('content-type'), label).toMatch(/text\/html/)
      const page = await answer.text()
      expect(page, label).toMatch(/Login failed/)
      expect(page, label).not.toContain(callback.searchParams.get('code') ?? '<none>')
      expect(browser.cookie(app.url, 'tokenguard.sid'), label).toBeUndefined()
    }
    // A callback replayed with its transaction cookie kept (an attacker's copy): the code is spent.
    const browser = new Browser()
    const login = await browser.get(`${app.url}/login`)
    const hop = await fetch(login.headers.get('location') ?? '', { redirect: 'manual' })
    const callback = hop.headers.get('location') ?? ''
    const kept = new Map(browser.cookies)
    expect((await browser.get(callback)).status).toBe(302)
    const writesAfterLogin = writes()
    const attacker = new Browser()
    for (const [name, cookie] of kept) attacker.cookies.set(name, cookie)
    expect((await attacker.get(callback)).status).toBe(400)
    expect((await new Browser().get(callback)).status).toBe(400)
    expect(writes()).toBe(writesAfterLogin)
    expect(writesAfterLogin).toBe(1)
    expect(running.url).toBeTruthy()
  })

  it('returns only to same-origin paths: every open-redirect form lands on /', async () => {
    const { apps } = await startWebLogin()
    const app = apps[0]!
    const cases: [string, string][] = [
      ['/pages/me?tab=pets#top', '/pages/me?tab=pets#top'],
      ['//evil.example/x', '/'],
      ['https://evil.example/', '/'],
      ['/\\evil.example', '/'],
      ['\\\\evil.example', '/'],
      ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
      ['javascript:alert(1)', '/'],
      ['/\tevil', '/'],
      [`/${'a'.repeat(5000)}`, '/'],
    ]
    for (const [returnTo, expected] of cases) {
      const browser = new Browser()
      const login = await browser.get(`${app.url}/login?returnTo=${encodeURIComponent(returnTo)}`)
      const hop = await fetch(login.headers.get('location') ?? '', { redirect: 'manual' })
      const answer = await browser.get(hop.headers.get('location') ?? '')
      expect(answer.headers.get('location'), returnTo.slice(0, 40)).toBe(expected)
    }
  })

  it('sends a page without a session to login and back, and answers other methods 401', async () => {
    const { apps } = await startWebLogin()
    const app = apps[0]!
    const browser = new Browser()
    const page = await browser.get(`${app.url}/pages/me?tab=1`)
    expect(page.status).toBe(302)
    expect(page.headers.get('location')).toBe('/login?returnTo=%2Fpages%2Fme%3Ftab%3D1')
    const api = await browser.get(`${app.url}/me`)
    expect(api.status).toBe(401)
    expect(await logIn(browser, app.url, '/pages/me').then((r) => r.status)).toBe(200)
  })

  it('logs out: revokes the refresh token at the server, ends the session and clears the cookie', async () => {
    const { store, last } = countingStore()
    const { apps, server } = await startWebLogin({ stores: [store] })
    const app = apps[0]!
    const browser = new Browser()
    await logIn(browser, app.url)
    const refreshToken = last()?.refreshToken ?? ''
    expect(server.issuer.introspect(refreshToken).active).toBe(true)
    const logout = await browser.get(`${app.url}/logout`, { method: 'POST' })
    expect(logout.status).toBe(302)
    expect(logout.headers.get('location')).toBe('/')
    expect(server.issuer.introspect(refreshToken).active).toBe(false)
    expect(browser.cookie(app.url, 'tokenguard.sid')).toBeUndefined()
    expect((await browser.get(`${app.url}/me`)).status).toBe(401)
  })

  it('refuses options that cannot work, naming the option', async () => {
    const { apps } = await startWebLogin()
    expect(apps).toHaveLength(1)
    const { createWebLogin, discoverAuthorizationServer } = await import('../src/index.js')
    const { running } = await startWebLogin()
    const server = await discoverAuthorizationServer({ issuer: running.url, clientId: 'web' })
    const base = { server, redirectUri: 'http://127.0.0.1/callback', cookieSecret: 'x'.repeat(32) }
    expect(() => createWebLogin({ ...base, cookieSecret: 'short' })).toThrow(
      /cookieSecret must be at least 32 bytes/,
    )
    expect(() => createWebLogin({ ...base, redirectUri: '/callback' })).toThrow(
      /redirectUri must be an absolute/,
    )
    expect(() => createWebLogin({ ...base, sesionStore: undefined } as never)).toThrow(
      /Did you mean "sessionStore"/,
    )
    expect(() => createWebLogin({ ...base, cookieName: 'a b' })).toThrow(/cookieName/)
    expect(() => createWebLogin({ ...base, sessionTtlSec: 0 })).toThrow(RangeError)
  })
})
