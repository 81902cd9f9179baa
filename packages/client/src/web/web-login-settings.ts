import { createMemoryStore, type Store } from '@tokenguard/core'
import { checkOptionNames, optionNames, positiveNumber } from '@tokenguard/core/internal'
import * as client from 'openid-client'
import { PACKAGE } from '../shared/package-name.js'
import { scopeList } from '../shared/scope.js'
import type { SessionRecord } from './session-record.js'
import { createTransactionSealer, type TransactionSealer } from './transaction-cookie.js'
import type { WebLoginOptions } from './web-login-options.js'

const NAMES = optionNames<WebLoginOptions>()([
  'server',
  'redirectUri',
  'cookieSecret',
  'scope',
  'authorizationParams',
  'sessionStore',
  'sessionTtlSec',
  'refreshAheadSec',
  'postLogoutRedirectUri',
  'loginPath',
  'cookieName',
  'secureCookies',
  'timeoutSec',
  'now',
])

/** {@link WebLoginOptions} checked, with their defaults. */
export interface WebLoginSettings {
  readonly server: client.Configuration
  readonly redirectUri: string
  readonly sealer: TransactionSealer
  readonly scope: readonly string[]
  readonly openid: boolean
  readonly now: () => number
  readonly sessionTtlMs: number
  readonly refreshAheadMs: number
  readonly timeoutMs: number
  readonly cookieName: string
  readonly secure: boolean
  readonly postLogout: string
  readonly loginPath: string
  readonly store: Store<SessionRecord>
  readonly extraParams: Readonly<Record<string, string>>
}

/** Checks every option at start-up (a typo gets "did you mean") and fills in the defaults. */
export function resolveWebLoginSettings(options: WebLoginOptions): WebLoginSettings {
  checkOptionNames(PACKAGE, options, NAMES)
  const { server } = options
  if (!(server instanceof client.Configuration)) {
    throw new TypeError(
      `${PACKAGE}: server must be an openid-client Configuration (from discoverAuthorizationServer())`,
    )
  }
  const redirectUri = absoluteUrl('redirectUri', options.redirectUri)
  const sealer = createTransactionSealer(secretBytes(options.cookieSecret))
  const scope = scopeList(options.scope ?? 'openid offline_access')
  const openid = scope.includes('openid')
  const now = options.now ?? Date.now
  const sessionTtlMs =
    positiveNumber(PACKAGE, 'sessionTtlSec', options.sessionTtlSec, 86_400) * 1000
  const refreshAheadMs =
    positiveNumber(PACKAGE, 'refreshAheadSec', options.refreshAheadSec, 30) * 1000
  const timeoutMs = positiveNumber(PACKAGE, 'timeoutSec', options.timeoutSec, 10, 600) * 1000
  const cookieName = options.cookieName ?? 'tokenguard.sid'
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/.test(cookieName)) {
    throw new TypeError(
      `${PACKAGE}: cookieName must be a cookie name (letters, digits, !#$%&'*+-.^_\`|~)`,
    )
  }
  const secure = options.secureCookies ?? true
  const postLogout = options.postLogoutRedirectUri ?? '/'
  const store = options.sessionStore ?? createMemoryStore<SessionRecord>({ maxEntries: 10_000 })
  const extraParams = { ...options.authorizationParams }
  const loginPath = options.loginPath ?? '/login'
  if (!loginPath.startsWith('/') || loginPath.startsWith('//')) {
    throw new TypeError(`${PACKAGE}: loginPath must be a path on this app, such as "/login"`)
  }
  return {
    server,
    redirectUri,
    sealer,
    scope,
    openid,
    now,
    sessionTtlMs,
    refreshAheadMs,
    timeoutMs,
    cookieName,
    secure,
    postLogout,
    loginPath,
    store,
    extraParams,
  }
}

function absoluteUrl(name: string, value: unknown): string {
  if (
    typeof value !== 'string' ||
    !URL.canParse(value) ||
    !/^https?:$/.test(new URL(value).protocol)
  ) {
    throw new TypeError(`${PACKAGE}: ${name} must be an absolute http(s) URL`)
  }
  return value
}

function secretBytes(secret: unknown): Uint8Array {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret
  if (!(bytes instanceof Uint8Array) || bytes.length < 32) {
    throw new TypeError(
      `${PACKAGE}: cookieSecret must be at least 32 bytes (or characters) of random data`,
    )
  }
  return bytes
}
