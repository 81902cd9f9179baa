import { createMemoryStore } from '@tokenguard/core'
import { checkOptionNames, optionNames, positiveNumber } from '@tokenguard/core/internal'
import * as client from 'openid-client'
import { PACKAGE } from '../shared/package-name.js'
import { scopeList } from '../shared/scope.js'
import { pause, tryLock } from '../shared/store-lock.js'
import { describeFailure, failureError, type FailedRequest } from '../shared/upstream-failure.js'
import {
  cacheEntry,
  isCachedServiceToken,
  type CachedServiceToken,
} from './cached-service-token.js'
import type { ServiceTokenOptions } from './service-token-options.js'

/** Access tokens of one client for one API, from the client-credentials grant. */
export interface ServiceTokens {
  /**
   * A valid access token: the cached one, or a new one when it expired. Callers that
   * arrive while a request is in flight wait for that one request; a token about to expire
   * is served while its successor is fetched. Rejects with an `OAuthError` (503 with
   * the server's `Retry-After`) when no valid token can be had.
   */
  getToken(): Promise<string>
  /**
   * Forgets `accessToken` (here and in the shared store) after an API refused it with
   * `invalid_token`, so the next {@link ServiceTokens.getToken} asks for a new one.
   */
  invalidate(accessToken: string): Promise<void>
}

const NAMES = optionNames<ServiceTokenOptions>()([
  'server',
  'scope',
  'resource',
  'audience',
  'store',
  'expirySkewSec',
  'timeoutSec',
  'now',
])
const POLL_MS = 25
const LOCK_MARKER: CachedServiceToken = {
  accessToken: '',
  tokenType: 'lock',
  expiresAt: 0,
  refreshAt: 0,
}
const MAX_BACKOFF_MS = 60_000

/**
 * Client-credentials tokens (RFC 6749 §4.4) through openid-client, cached until
 * `exp − expirySkewSec`, refreshed ahead of expiry with one token request in flight however
 * many callers wait, with backoff on 5xx and 429 that honours `Retry-After`. With a shared
 * `store`, instances share the token and a short lock (`SET NX PX`), so N instances ask once.
 *
 * @example
 * const server = await discoverAuthorizationServer({ issuer, clientId, clientSecret })
 * const tokens = createServiceTokens({ server, scope: 'pets:stats', resource: 'https://api.example.com' })
 * const token = await tokens.getToken()
 */
export function createServiceTokens(options: ServiceTokenOptions): ServiceTokens {
  checkOptionNames(PACKAGE, options, NAMES)
  const { server } = options
  if (!(server instanceof client.Configuration)) {
    throw new TypeError(
      `${PACKAGE}: server must be an openid-client Configuration (from discoverAuthorizationServer())`,
    )
  }
  const parameters = grantParameters(options)
  const skewMs = positiveNumber(PACKAGE, 'expirySkewSec', options.expirySkewSec, 30) * 1000
  const timeoutMs = positiveNumber(PACKAGE, 'timeoutSec', options.timeoutSec, 10, 600) * 1000
  const now = options.now ?? Date.now
  const store = options.store ?? createMemoryStore<CachedServiceToken>({ maxEntries: 16 })
  const key = `service-token:${server.serverMetadata().issuer}|${server.clientMetadata().client_id}|${new URLSearchParams(parameters).toString()}`
  const lockKey = `${key}|lock`

  let current: CachedServiceToken | undefined
  let inFlight: Promise<CachedServiceToken> | undefined
  let failure: { failed: FailedRequest; notBefore: number; count: number } | undefined

  const fresh = (entry: CachedServiceToken | undefined): entry is CachedServiceToken =>
    entry !== undefined && now() < entry.expiresAt

  async function readShared(): Promise<CachedServiceToken | undefined> {
    const entry: unknown = await store.get(key).catch(() => undefined)
    return isCachedServiceToken(entry) && fresh(entry) ? entry : undefined
  }

  async function requestToken(): Promise<CachedServiceToken> {
    if (failure !== undefined && now() < failure.notBefore) {
      throw failureError(failure.failed)
    }
    const issuedAt = now()
    try {
      const response = await client.clientCredentialsGrant(server, parameters)
      failure = undefined
      const entry = cacheEntry(
        response.access_token,
        response.token_type,
        response.expiresIn(),
        issuedAt,
        skewMs,
      )
      await store.set(key, entry, entry.expiresAt - now()).catch(() => undefined)
      return entry
    } catch (error) {
      const failed = await describeFailure(error)
      const count = (failure?.count ?? 0) + 1
      const backoffMs =
        failed.retryAfterSec !== undefined
          ? failed.retryAfterSec * 1000
          : Math.min(MAX_BACKOFF_MS, 500 * 2 ** count) * (0.75 + Math.random() / 2)
      failure = { failed, notBefore: now() + backoffMs, count }
      throw failureError(failed)
    }
  }

  // One refresh at a time in this process; across processes, the store's lock decides who asks.
  async function refresh(): Promise<CachedServiceToken> {
    const deadline = performance.now() + 2 * timeoutMs
    for (;;) {
      const shared = await readShared()
      if (
        shared !== undefined &&
        (current === undefined || shared.accessToken !== current.accessToken)
      ) {
        return shared
      }
      const lock = await tryLock(store, lockKey, LOCK_MARKER, timeoutMs).catch(() => ({
        release: () => Promise.resolve(),
      }))
      if (lock !== undefined) {
        try {
          const again = await readShared()
          if (again !== undefined && again.accessToken !== current?.accessToken) return again
          return await withTimeout(requestToken(), timeoutMs)
        } finally {
          await lock.release().catch(() => undefined)
        }
      }
      if (performance.now() > deadline) return withTimeout(requestToken(), timeoutMs)
      await pause(POLL_MS)
    }
  }

  function startRefresh(): Promise<CachedServiceToken> {
    inFlight ??= refresh()
      .then((entry) => {
        current = entry
        return entry
      })
      .finally(() => {
        inFlight = undefined
      })
    return inFlight
  }

  return {
    async getToken() {
      const entry = current
      if (fresh(entry)) {
        // Ahead of expiry: the next token is fetched in the background, this one still serves.
        if (now() >= entry.refreshAt) startRefresh().catch(() => undefined)
        return entry.accessToken
      }
      return (await startRefresh()).accessToken
    },
    async invalidate(accessToken) {
      if (current?.accessToken === accessToken) current = undefined
      const shared: unknown = await store.get(key).catch(() => undefined)
      if (isCachedServiceToken(shared) && shared.accessToken === accessToken) {
        await store.delete(key).catch(() => undefined)
      }
    },
  }
}

function grantParameters(options: ServiceTokenOptions): Record<string, string> {
  const parameters: Record<string, string> = {}
  const { scope, resource, audience } = options
  if (scope !== undefined) {
    const list = scopeList(scope)
    if (list.length > 0) parameters.scope = list.join(' ')
  }
  if (resource !== undefined) {
    if (typeof resource !== 'string' || !URL.canParse(resource) || new URL(resource).hash !== '') {
      throw new TypeError(
        `${PACKAGE}: resource must be an absolute URL without a fragment (RFC 8707 §2)`,
      )
    }
    parameters.resource = resource
  }
  if (audience !== undefined) {
    if (typeof audience !== 'string' || audience === '') {
      throw new TypeError(`${PACKAGE}: audience must be a non-empty string`)
    }
    parameters.audience = audience
  }
  return parameters
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const cause = new Error(`no answer within ${ms} ms`)
      reject(failureError({ answer: { status: undefined }, retryAfterSec: undefined, cause }))
    }, ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
