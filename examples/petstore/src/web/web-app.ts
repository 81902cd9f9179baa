import type { WebLogin } from '@tokenguard/client'
import { OAuthError } from '@tokenguard/core'
import express, { type Express, type NextFunction, type Request, type Response } from 'express'
import type { Pet } from '../pets.js'
import { createCsrfTokens } from './csrf.js'
import { dashboardPage, homePage, problemPage, type PetStats } from './pages.js'

/** Options of {@link createWebApp}. */
export interface WebAppOptions {
  /** The login, callback, logout and session handlers, from `createWebLogin()`. */
  readonly web: WebLogin
  /** Origin of the PetStore API, called with the user's access token. */
  readonly apiUrl: string
  /** Origin of the stats service, whose numbers the dashboard shows. */
  readonly statsUrl: string
  /** At least 32 random bytes: the key of the anti-CSRF tokens. */
  readonly csrfKey: Uint8Array
}

/**
 * The PetStore web app: server-rendered pages, no front-end build and no script. "Log in
 * with PetStore" (code + PKCE through `@tokenguard/client`), a dashboard listing the pets
 * from the API with the user's access token (refreshed on the server when it expires) and
 * the stats service's numbers, "Adopt" (a POST with an anti-CSRF token), logout. Tokens stay
 * on the server: the browser holds only the session cookie.
 *
 * @example
 * const app = createWebApp({ web, apiUrl: 'http://127.0.0.1:3000', statsUrl, csrfKey })
 */
export function createWebApp(options: WebAppOptions): Express {
  const { web, apiUrl, statsUrl } = options
  const csrf = createCsrfTokens(options.csrfKey)
  const form = express.urlencoded({ extended: false, limit: '1kb', parameterLimit: 10 })
  const checkCsrf = (req: Request, res: Response, next: NextFunction): void => {
    const body = req.body as Record<string, unknown> | undefined
    if (csrf.verify(req, body?.csrf)) next()
    else sendPage(res, 403, problemPage(403, 'This form is out of date; open the dashboard again.'))
  }

  const app = express()
  app.disable('x-powered-by')
  app.use((_req, res, next) => {
    res.set(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    )
    res.set('X-Content-Type-Options', 'nosniff')
    res.set('Referrer-Policy', 'no-referrer')
    next()
  })
  app.use(web.session())
  app.get('/', (req, res) => {
    if (req.oauth?.isAuthenticated === true) res.redirect(303, '/dashboard')
    else sendPage(res, 200, homePage())
  })
  app.get('/login', web.login())
  app.get('/callback', web.callback())
  app.post('/logout', form, checkCsrf, web.logout())

  app.get('/dashboard', web.requireLogin(), (req, res, next) => {
    dashboard(req).then((html) => sendPage(res, 200, html), next)
  })
  app.post('/adopt', web.requireLogin(), form, checkCsrf, (req, res, next) => {
    adopt(req).then((ok) => {
      if (ok) res.redirect(303, '/dashboard')
      else sendPage(res, 409, problemPage(409, 'This pet has already been adopted.'))
    }, next)
  })

  async function callApi(
    req: Request,
    path: string,
    init: RequestInit = {},
  ): Promise<globalThis.Response> {
    const token = await (req.oauth as NonNullable<Request['oauth']>).getAccessToken()
    const headers = new Headers(init.headers)
    headers.set('authorization', `Bearer ${token}`)
    return fetch(`${apiUrl}${path}`, { ...init, headers, signal: AbortSignal.timeout(5_000) })
  }

  async function dashboard(req: Request): Promise<string> {
    const answer = await callApi(req, '/api/pets')
    if (!answer.ok) throw new Error(`the PetStore API answered ${answer.status}`)
    const { pets } = (await answer.json()) as { pets: Pet[] }
    const stats = await fetch(`${statsUrl}/stats`, { signal: AbortSignal.timeout(5_000) })
      .then((response) => (response.ok ? (response.json() as Promise<PetStats>) : undefined))
      .catch(() => undefined)
    const user = req.oauth?.user
    const name =
      typeof user?.name === 'string'
        ? user.name
        : typeof user?.sub === 'string'
          ? user.sub
          : 'someone'
    return dashboardPage({ user: name, pets, stats, csrf: csrf.tokenFor(req) ?? '' })
  }

  async function adopt(req: Request): Promise<boolean> {
    const petId = Number((req.body as Record<string, unknown>).petId)
    if (!Number.isSafeInteger(petId) || petId < 1) return false
    const answer = await callApi(req, '/api/adoptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ petId }),
    })
    await answer.arrayBuffer()
    if (answer.status === 201) return true
    if (answer.status === 409 || answer.status === 404) return false
    throw new Error(`the PetStore API answered ${answer.status}`)
  }

  // A session that ended (its refresh token was revoked or expired) logs in again.
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (error instanceof OAuthError && error.status === 401) {
      res.redirect(303, '/login?returnTo=%2Fdashboard')
      return
    }
    if (res.headersSent) {
      next(error)
      return
    }
    const message =
      error instanceof OAuthError
        ? error.description
        : 'The PetStore API could not be reached; try again.'
    sendPage(res, 502, problemPage(502, message))
    void req
  })
  return app
}

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set('Cache-Control', 'no-store').type('html').send(html)
}
