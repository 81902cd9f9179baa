/** What `session()` puts on `req.oauth`. */
export interface OAuthRequestContext {
  /** Whether the request belongs to a logged-in session. */
  readonly isAuthenticated: boolean
  /** The user's claims from the ID token, when logged in. */
  readonly user: Readonly<Record<string, unknown>> | undefined
  /**
   * A valid access token of the session, refreshed first when it is about to expire (one
   * refresh per session, across instances). Rejects with a 401 `OAuthError` (reason
   * `session_missing` or `session_ended`) when there is no session or it ended, and a 503
   * when the authorization server cannot be reached.
   */
  getAccessToken(): Promise<string>
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `@tokenguard/client`'s `session()` middleware. */
      oauth?: OAuthRequestContext
    }
  }
}
