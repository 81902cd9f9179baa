import type { RequestListener } from 'node:http'
import { createMemoryStore, oauthErrorHandler, type Middleware, type Store } from '@tokenguard/core'
import { createMockAuthorizationServer } from '@tokenguard/mock-authorization-server'
import { frameworks, serve, type Framework } from '@tokenguard/test-support/serve'
import { onTestFinished } from 'vitest'
import {
  createWebLogin,
  discoverAuthorizationServer,
  type OAuthRequestContext,
  type SessionRecord,
  type WebLoginOptions,
} from '../src/index.js'

export const COOKIE_SECRET = 'a-cookie-secret-of-at-least-32-characters'
const CLIENT_SECRET = 'a-long-enough-secret-for-the-web-app'

/** A store that counts its writes, so a test can say "nothing was stored". */
export function countingStore(store: Store<SessionRecord> = createMemoryStore<SessionRecord>()) {
  let writes = 0
  let last: SessionRecord | undefined
  return {
    store: {
      ...store,
      get: (key: string) => store.get(key),
      set: (key: string, value: SessionRecord, ttlMs: number) => {
        if (!key.endsWith('|refresh-lock')) {
          writes++
          last = value
        }
        return store.set(key, value, ttlMs)
      },
      delete: (key: string) => store.delete(key),
      ...(store.setIfAbsent === undefined ? {} : { setIfAbsent: store.setIfAbsent.bind(store) }),
    } satisfies Store<SessionRecord>,
    writes: () => writes,
    /** The session record written last. */
    last: () => last,
  }
}

/**
 * The mock authorization server (auto-approving, so no page is involved) and web apps on
 * it: each app has the login routes, `/me` (the user and whether its access token is active
 * at the server) and `/api/token-check`.
 */
export async function startWebLogin(
  options: {
    framework?: Framework
    instances?: number
    login?: Partial<WebLoginOptions>
    stores?: Store<SessionRecord>[]
    clock?: () => number
  } = {},
) {
  const server = await createMockAuthorizationServer({
    autoApprove: true,
    subject: 'alice',
    users: { alice: { name: 'Alice' } },
  })
  const running = await server.listen()
  onTestFinished(() => running.close())
  const framework = options.framework ?? frameworks[0]
  if (framework === undefined) throw new Error('no framework')
  const apps: { url: string; web: ReturnType<typeof createWebLogin> }[] = []
  // Every instance answers on its own port; all share one redirect URI host (the first app's).
  let redirectUri = ''
  const instances = options.instances ?? 1
  const listeners: { handler: RequestListener; set(mw: Middleware[]): void }[] = []
  for (let i = 0; i < instances; i++) {
    let inner: RequestListener = (_req, res) => res.end()
    listeners.push({
      handler: (req, res) => inner(req, res),
      set: (mw) => (inner = framework.app(mw, [oauthErrorHandler()])),
    })
  }
  const served = await Promise.all(listeners.map((listener) => serve(listener.handler)))
  for (const app of served) onTestFinished(() => app.close())
  redirectUri = `${served[0]?.url}/callback`
  server.registerClient({
    client_id: 'web',
    client_secret: CLIENT_SECRET,
    redirect_uris: served.map((app) => `${app.url}/callback`),
    scope: 'openid offline_access pets:read',
  })
  for (const [i, app] of served.entries()) {
    const config = await discoverAuthorizationServer({
      issuer: running.url,
      clientId: 'web',
      clientSecret: CLIENT_SECRET,
    })
    const web = createWebLogin({
      server: config,
      redirectUri: i === 0 ? redirectUri : `${app.url}/callback`,
      cookieSecret: COOKIE_SECRET,
      ...(options.stores?.[i] === undefined ? {} : { sessionStore: options.stores[i] }),
      ...(options.clock === undefined ? {} : { now: options.clock }),
      ...options.login,
    })
    const route =
      (path: string, method: string, handler: Middleware): Middleware =>
      (req, res, next) => {
        if (req.method === method && (req.url ?? '').split('?')[0] === path) handler(req, res, next)
        else next()
      }
    const me: Middleware = (req, res, next) => {
      const { oauth } = req as typeof req & {
        oauth?: OAuthRequestContext
      }
      if (oauth === undefined) return next(new Error('no req.oauth'))
      oauth.getAccessToken().then((token) => {
        res.setHeader('Content-Type', 'application/json')
        res.end(
          JSON.stringify({ user: oauth.user, active: server.issuer.introspect(token).active }),
        )
      }, next)
    }
    listeners[i]?.set([
      web.session(),
      route('/login', 'GET', web.login()),
      route('/callback', 'GET', web.callback()),
      route('/logout', 'POST', web.logout()),
      route('/me', 'GET', me),
      route('/pages/me', 'GET', web.requireLogin()),
      route('/pages/me', 'GET', me),
    ])
    apps.push({ url: app.url, web })
  }
  return { server, running, apps }
}

/** A cookie jar and a fetch that follows nothing by itself. */
export class Browser {
  readonly cookies = new Map<string, { value: string; attributes: string }>()

  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    const host = new URL(url).hostname
    const jar = [...this.cookies.entries()].filter(([name]) => name.startsWith(`${host} `))
    if (jar.length > 0)
      headers.set(
        'cookie',
        jar.map(([name, c]) => `${name.slice(host.length + 1)}=${c.value}`).join('; '),
      )
    const response = await fetch(url, { ...init, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';')
      const equals = pair.indexOf('=')
      const name = pair.slice(0, equals).trim()
      const value = pair.slice(equals + 1).trim()
      if (/Max-Age=0/i.test(line)) this.cookies.delete(`${host} ${name}`)
      else this.cookies.set(`${host} ${name}`, { value, attributes: attributes.join(';') })
    }
    return response
  }

  /** Follows redirects by hand (at most 10), so every hop's cookies land in the jar. */
  async follow(url: string, init: RequestInit = {}): Promise<Response> {
    let response = await this.get(url, init)
    for (let hops = 0; hops < 10 && response.status >= 300 && response.status < 400; hops++) {
      const location = new URL(response.headers.get('location') ?? '', url).href
      url = location
      response = await this.get(location)
    }
    return response
  }

  cookie(host: string, name: string) {
    return this.cookies.get(`${new URL(host).hostname} ${name}`)
  }
}
