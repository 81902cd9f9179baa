import { OAuthError } from '@tokenguard/core'
import { checkOptionNames, optionNames } from '@tokenguard/core/internal'
import * as client from 'openid-client'
import { PACKAGE } from '../shared/package-name.js'
import { scopeList } from '../shared/scope.js'
import { safeCause, upstreamErrorCode, upstreamFailure } from '../shared/upstream-failure.js'

/** What to show the user while the device flow waits (RFC 8628 §3.3). */
export interface DevicePrompt {
  /** The code the user types, such as `BCDF-GHJK`. */
  readonly userCode: string
  /** Where the user types it. */
  readonly verificationUri: string
  /** The same page with the code filled in, when the server gives one (show it as a link or QR code). */
  readonly verificationUriComplete: string | undefined
  /** Seconds until the code expires. */
  readonly expiresInSec: number
}

/** Tokens a device login ends with. Keep the refresh token in a file only the user can read. */
export interface DeviceTokens {
  readonly accessToken: string
  readonly refreshToken: string | undefined
  readonly idToken: string | undefined
  /** When the access token expires, in milliseconds since the epoch. */
  readonly expiresAt: number
  /** The scope granted, when the server says. */
  readonly scope: string | undefined
}

/** Options of {@link deviceLogin}. */
export interface DeviceLoginOptions {
  /** The authorization server, from `discoverAuthorizationServer()` (a public client is fine). */
  server: client.Configuration
  /** Scopes to ask for, space-separated or as a list. */
  scope?: string | readonly string[]
  /** Called once with the code and where to enter it; print it (never log it with the tokens). */
  onPrompt: (prompt: DevicePrompt) => void | Promise<void>
  /** Stops waiting (Ctrl-C). Polling also stops by itself when the code expires. */
  signal?: AbortSignal
}

const NAMES = optionNames<DeviceLoginOptions>()(['server', 'scope', 'onPrompt', 'signal'])

/**
 * The device authorization grant (RFC 8628) for CLIs, through openid-client: asks for a code,
 * calls `onPrompt`, then polls the token endpoint at the server's `interval` plus a margin for
 * clock drift (10 %, at least 250 ms), adds 5 s on `slow_down` and keeps it, honours
 * `Retry-After`, and stops at `expires_in` or when `signal` aborts. Rejects with an
 * {@link OAuthError}: 401 `device_authorization_denied` or `device_authorization_expired`,
 * 503 when the server fails.
 *
 * @example
 * const tokens = await deviceLogin({
 *   server,
 *   scope: 'openid offline_access pets:read',
 *   onPrompt: ({ verificationUri, userCode }) => console.log(`Open ${verificationUri} and enter ${userCode}`),
 * })
 */
export async function deviceLogin(options: DeviceLoginOptions): Promise<DeviceTokens> {
  checkOptionNames(PACKAGE, options, NAMES)
  const { server, onPrompt, signal } = options
  if (!(server instanceof client.Configuration)) {
    throw new TypeError(
      `${PACKAGE}: server must be an openid-client Configuration (from discoverAuthorizationServer())`,
    )
  }
  if (typeof onPrompt !== 'function') throw new TypeError(`${PACKAGE}: onPrompt must be a function`)
  const parameters: Record<string, string> = {}
  const scope = options.scope
  if (scope !== undefined) parameters.scope = scopeList(scope).join(' ')

  let authorization: client.DeviceAuthorizationResponse
  try {
    authorization = await client.initiateDeviceAuthorization(server, parameters)
  } catch (error) {
    throw await upstreamFailure(error)
  }
  await onPrompt({
    userCode: authorization.user_code,
    verificationUri: authorization.verification_uri,
    verificationUriComplete: authorization.verification_uri_complete,
    expiresInSec: authorization.expires_in,
  })
  const interval = authorization.interval ?? 5
  const expiry = AbortSignal.timeout(authorization.expires_in * 1000)
  const polling = signal === undefined ? expiry : AbortSignal.any([signal, expiry])
  try {
    const tokens = await client.pollDeviceAuthorizationGrant(
      server,
      { ...authorization, interval: interval + Math.max(0.25, interval / 10) },
      undefined,
      { signal: polling },
    )
    return {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      idToken: tokens.id_token,
      expiresAt: Date.now() + (tokens.expiresIn() ?? 60) * 1000,
      scope: tokens.scope,
    }
  } catch (error) {
    if (signal?.aborted === true) throw signal.reason
    const code = upstreamErrorCode(error)
    if (code === 'access_denied') {
      throw OAuthError.invalidToken(
        'device_authorization_denied',
        'The user denied the device login',
        { cause: safeCause(error) },
      )
    }
    if (code === 'expired_token' || expiry.aborted) {
      throw OAuthError.invalidToken(
        'device_authorization_expired',
        'The device code expired before the user approved it; start again',
        { cause: safeCause(error) },
      )
    }
    throw await upstreamFailure(error)
  }
}
