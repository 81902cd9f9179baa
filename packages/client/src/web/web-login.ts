import { createHash, randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { OAuthError, type Middleware } from '@tokenguard/core'
import * as client from 'openid-client'
import { safeCause, upstreamErrorCode } from '../shared/upstream-failure.js'
import { readCookies, setCookie } from './cookies.js'
import { queryOf, redirect } from './http-answers.js'
import { sendLoginErrorPage } from './error-page.js'
import { safeReturnTo } from './return-to.js'
import { isSessionRecord, type SessionRecord } from './session-record.js'
import { createSessionTokens } from './session-tokens.js'
import type { WebLoginOptions } from './web-login-options.js'
import { resolveWebLoginSettings } from './web-login-settings.js'
import type { OAuthRequestContext } from './oauth-request-context.js'

/** The handlers of a web login: mount them on your app. */
export interface WebLogin {
  /** Reads the session cookie on every request and sets `req.oauth`; mount it before your routes. */
  session(): Middleware
  /** `GET /login?returnTo=/path`: redirects to the authorization server (code + PKCE + state + nonce). */
  login(): Middleware
  /** `GET` of `redirectUri`: checks the answer, exchanges the code, starts a session, redirects. */
  callback(): Middleware
  /** `POST /logout`: revokes the refresh token, ends the session, follows the server's end-session endpoint. */
  logout(): Middleware
  /**
   * For pages that need a user: without a session, a `GET` is redirected to login (and comes
   * back); other methods get a 401.
   */
  requireLogin(): Middleware
}

const TRANSACTION_PREFIX = 'tokenguard.tx.'
const TRANSACTION_TTL_SEC = 600
const MAX_TRANSACTIONS = 5
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/

/**
 * Web login for Express (and Connect): authorization code with PKCE (S256), `state` and
 * `nonce`, the `iss` of RFC 9207, and PAR when the server advertises it, all through
 * openid-client. Each login in progress is sealed (JWE) in its own short-lived cookie keyed by
 * its `state`, so two tabs can log in at once. Tokens stay on the server: the session cookie
 * holds a random id, the tokens live in `sessionStore`, and `req.oauth.getAccessToken()`
 * refreshes them, once per session however many requests ask.
 *
 * @example
 * const web = createWebLogin({ server, redirectUri: 'http://localhost:3000/callback', cookieSecret })
 * app.use(web.session())
 * app.get('/login', web.login())
 * app.get('/callback', web.callback())
 * app.post('/logout', web.logout())
 * app.get('/dashboard', web.requireLogin(), async (req, res) => res.json(await callApi(await req.oauth.getAccessToken())))
 */
export function createWebLogin(options: WebLoginOptions): WebLogin {
  const settings = resolveWebLoginSettings(options)
  const { server, redirectUri, sealer, scope, openid, now, sessionTtlMs, secure, postLogout } =
    settings
  const { cookieName, store, extraParams } = settings
  const sessions = createSessionTokens({
    server,
    store,
    refreshAheadMs: settings.refreshAheadMs,
    timeoutMs: settings.timeoutMs,
    now,
  })
  const loginPath = (returnTo: string): string =>
    `${settings.loginPath}?returnTo=${encodeURIComponent(returnTo)}`

  const sessionKey = (id: string): string =>
    `session:${createHash('sha256').update(id).digest('base64url')}`
  const transactionCookie = (state: string): string =>
    TRANSACTION_PREFIX + createHash('sha256').update(state).digest('base64url').slice(0, 16)

  function context(
    key: string | undefined,
    record: SessionRecord | undefined,
  ): OAuthRequestContext {
    return {
      isAuthenticated: record !== undefined,
      user: record?.user,
      getAccessToken: () =>
        key === undefined || record === undefined
          ? Promise.reject(OAuthError.invalidToken('session_missing', 'Log in first'))
          : sessions.accessToken(key),
    }
  }

  async function startLogin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cookies = readCookies(req)
    const pending = [...cookies.keys()].filter((name) => name.startsWith(TRANSACTION_PREFIX))
    // Bounded: an abandoned login leaves a cookie for 10 minutes; past 5 the old ones go.
    if (pending.length >= MAX_TRANSACTIONS) {
      for (const name of pending) setCookie(res, name, '', { maxAgeSec: 0, secure })
    }
    const codeVerifier = client.randomPKCECodeVerifier()
    const state = client.randomState()
    const nonce = openid ? client.randomNonce() : undefined
    const returnTo = safeReturnTo(queryOf(req).get('returnTo'), '/')
    const parameters: Record<string, string> = {
      ...extraParams,
      redirect_uri: redirectUri,
      scope: scope.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      ...(nonce === undefined ? {} : { nonce }),
    }
    const url =
      server.serverMetadata().pushed_authorization_request_endpoint === undefined
        ? client.buildAuthorizationUrl(server, parameters)
        : await client.buildAuthorizationUrlWithPAR(server, parameters)
    const sealed = await sealer.seal({ state, codeVerifier, nonce, returnTo }, TRANSACTION_TTL_SEC)
    setCookie(res, transactionCookie(state), sealed, { maxAgeSec: TRANSACTION_TTL_SEC, secure })
    redirect(res, url.href)
  }

  async function finishLogin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const query = queryOf(req)
    const state = query.get('state')
    const cookies = readCookies(req)
    const name = state === null ? undefined : transactionCookie(state)
    const sealed = name === undefined ? undefined : cookies.get(name)
    // Single use: the transaction's cookie goes whatever happens next.
    if (name !== undefined && sealed !== undefined)
      setCookie(res, name, '', { maxAgeSec: 0, secure })
    const transaction = sealed === undefined ? undefined : await sealer.open(sealed)
    if (transaction === undefined || transaction.state !== state) {
      throw OAuthError.invalidRequest(
        'login_state_mismatch',
        'This login answer does not belong to a login started in this browser (a wrong or reused state)',
      )
    }
    const currentUrl = new URL(redirectUri)
    currentUrl.search = query.toString()
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>
    try {
      tokens = await client.authorizationCodeGrant(server, currentUrl, {
        pkceCodeVerifier: transaction.codeVerifier,
        expectedState: transaction.state,
        ...(transaction.nonce === undefined ? {} : { expectedNonce: transaction.nonce }),
        idTokenExpected: openid,
      })
    } catch (error) {
      throw OAuthError.invalidRequest('login_callback_invalid', describeCallbackError(error), {
        cause: safeCause(error),
      })
    }
    const id = randomBytes(32).toString('base64url')
    const claims = tokens.claims()
    const record: SessionRecord = {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      expiresAt: now() + (tokens.expiresIn() ?? 60) * 1000,
      idToken: tokens.id_token,
      user: claims === undefined ? {} : { ...claims },
      endsAt: now() + sessionTtlMs,
    }
    await sessions.write(sessionKey(id), record)
    setCookie(res, cookieName, id, { maxAgeSec: sessionTtlMs / 1000, secure })
    redirect(res, transaction.returnTo)
  }

  async function endSession(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const id = readCookies(req).get(cookieName)
    const key = id !== undefined && SESSION_ID.test(id) ? sessionKey(id) : undefined
    const record = key === undefined ? undefined : await sessions.read(key)
    if (key !== undefined) await store.delete(key)
    setCookie(res, cookieName, '', { maxAgeSec: 0, secure })
    const metadata = server.serverMetadata()
    if (record?.refreshToken !== undefined && metadata.revocation_endpoint !== undefined) {
      // RFC 7009: revoking the refresh token ends the grant (and, at most servers, its access tokens).
      await client
        .tokenRevocation(server, record.refreshToken, { token_type_hint: 'refresh_token' })
        .catch(() => undefined)
    }
    if (metadata.end_session_endpoint !== undefined) {
      const parameters: Record<string, string> = {}
      if (record?.idToken !== undefined) parameters.id_token_hint = record.idToken
      if (/^https?:/.test(postLogout)) parameters.post_logout_redirect_uri = postLogout
      redirect(res, client.buildEndSessionUrl(server, parameters).href)
      return
    }
    redirect(res, postLogout)
  }

  const handle =
    (
      run: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
      page: boolean,
    ): Middleware =>
    (req, res, next) => {
      run(req, res).then(
        () => undefined,
        (error: unknown) => {
          if (page && error instanceof OAuthError && error.status === 400) {
            sendLoginErrorPage(res, error, loginPath('/'))
            return
          }
          next(error)
        },
      )
    }

  return {
    session: () => (req, _res, next) => {
      const id = readCookies(req).get(cookieName)
      if (id === undefined || !SESSION_ID.test(id)) {
        setContext(req, context(undefined, undefined))
        next()
        return
      }
      const key = sessionKey(id)
      sessions.read(key).then(
        (record) => {
          setContext(req, context(key, isSessionRecord(record) ? record : undefined))
          next()
        },
        (error: unknown) => next(error),
      )
    },
    login: () => handle(startLogin, false),
    callback: () => handle(finishLogin, true),
    logout: () => handle(endSession, false),
    requireLogin: () => (req, res, next) => {
      const oauth = (req as IncomingMessage & { oauth?: OAuthRequestContext }).oauth
      if (oauth?.isAuthenticated === true) {
        next()
        return
      }
      if (req.method === 'GET' || req.method === 'HEAD') {
        const original =
          (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/'
        redirect(res, loginPath(safeReturnTo(original, '/')))
        return
      }
      next(OAuthError.invalidToken('session_missing', 'Log in first'))
    },
  }
}

function setContext(req: IncomingMessage, oauth: OAuthRequestContext): void {
  Object.defineProperty(req, 'oauth', {
    value: oauth,
    configurable: true,
    enumerable: false,
    writable: true,
  })
}

function describeCallbackError(error: unknown): string {
  const code = upstreamErrorCode(error)
  if (error instanceof client.AuthorizationResponseError) {
    return `The authorization server refused the login (${code ?? 'error'})`
  }
  if (code !== undefined) return `The authorization server refused the code exchange (${code})`
  return 'The login answer failed its checks (issuer, state, nonce or ID token)'
}
