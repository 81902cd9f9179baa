import type { Store } from '@tokenguard/core'
import type { Configuration } from 'openid-client'
import type { CachedServiceToken } from './cached-service-token.js'

/** Options of {@link createServiceTokens}. */
export interface ServiceTokenOptions {
  /** The authorization server, from `discoverAuthorizationServer()` (or openid-client's `discovery`). */
  server: Configuration
  /** Scopes to ask for, space-separated or as a list. Default: none (the server's default). */
  scope?: string | readonly string[]
  /** The API the token is for: `resource` (RFC 8707), one absolute URL. */
  resource?: string
  /** The API the token is for, for servers that take an `audience` parameter (Auth0 and others). */
  audience?: string
  /**
   * Where the token and the refresh lock live. Default: in this process only. Give every
   * instance the same store (`@tokenguard/store-redis`) and N instances ask for one token.
   */
  store?: Store<CachedServiceToken>
  /** A token counts as expired this many seconds before its `exp`. Default: 30. */
  expirySkewSec?: number
  /** Most seconds a token request may take; also the lock's lifetime. Default: 10. */
  timeoutSec?: number
  /** Clock in milliseconds since the epoch, for tests. Default: `Date.now`. */
  now?: () => number
}
