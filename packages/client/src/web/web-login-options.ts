import type { Store } from '@tokenguard/core'
import type { Configuration } from 'openid-client'
import type { SessionRecord } from './session-record.js'

/** Options of {@link createWebLogin}. */
export interface WebLoginOptions {
  /** The authorization server, from `discoverAuthorizationServer()` (or openid-client's `discovery`). */
  server: Configuration
  /** The absolute URL of this app's callback route, as registered at the server. */
  redirectUri: string
  /**
   * At least 32 random bytes (or a string of at least 32 characters) from which the key that
   * encrypts login transactions is derived. Keep it in your secret store; rotate it freely
   * (only logins in progress are lost).
   */
  cookieSecret: string | Uint8Array
  /** Scopes to ask for. Default: `openid offline_access` (an ID token and a refresh token). */
  scope?: string | readonly string[]
  /** Further authorization request parameters (`audience`, `resource`, `prompt`...). */
  authorizationParams?: Readonly<Record<string, string>>
  /** Where sessions live. Default: in this process (at most 10,000). Use Redis for many instances. */
  sessionStore?: Store<SessionRecord>
  /** How long a session lasts at most, in seconds, whatever the tokens say. Default: 86400. */
  sessionTtlSec?: number
  /** Refresh the access token this many seconds before it expires. Default: 30. */
  refreshAheadSec?: number
  /** Where logout lands when the server has no end-session endpoint. Default: `/`. */
  postLogoutRedirectUri?: string
  /** Where `login()` is mounted, for `requireLogin()` and the error page. Default: `/login`. */
  loginPath?: string
  /** Name of the session cookie (it holds only a random id). Default: `tokenguard.sid`. */
  cookieName?: string
  /** `Secure` on every cookie. Default: `true` (browsers treat `localhost` as secure too). */
  secureCookies?: boolean
  /** Most seconds a token request may take; also the refresh lock's lifetime. Default: 10. */
  timeoutSec?: number
  /** Clock in milliseconds since the epoch, for tests. Default: `Date.now`. */
  now?: () => number
}
