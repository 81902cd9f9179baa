import { OAuthError, type Store } from '@tokenguard/core'
import * as client from 'openid-client'
import { pause, tryLock } from '../shared/store-lock.js'
import { upstreamErrorCode, upstreamFailure } from '../shared/upstream-failure.js'
import { isSessionRecord, type SessionRecord } from './session-record.js'

const POLL_MS = 25
const LOCK_MARKER: SessionRecord = {
  accessToken: 'lock',
  refreshToken: undefined,
  expiresAt: 0,
  idToken: undefined,
  user: {},
  endsAt: 0,
}

/** How sessions are read and refreshed: one refresh per session at a time, across instances. */
export interface SessionTokens {
  read(key: string): Promise<SessionRecord | undefined>
  write(key: string, record: SessionRecord): Promise<void>
  /** A valid access token of the session under `key`, refreshed (once) when it is about to expire. */
  accessToken(key: string): Promise<string>
}

/** The settings {@link createSessionTokens} needs. */
export interface SessionTokenSettings {
  readonly server: client.Configuration
  readonly store: Store<SessionRecord>
  readonly refreshAheadMs: number
  readonly timeoutMs: number
  readonly now: () => number
}

/**
 * Session reads and refreshes: concurrent refreshes of one session share one request in this
 * process, and a lock in the store makes other instances wait for it; the rotated refresh
 * token is written before the lock is released; on `invalid_grant` the store is read again
 * (another instance may have rotated it) before the session ends.
 */
export function createSessionTokens(settings: SessionTokenSettings): SessionTokens {
  const { server, store, refreshAheadMs, timeoutMs, now } = settings
  const inFlight = new Map<string, Promise<string>>()
  const usable = (record: SessionRecord): boolean => now() < record.expiresAt - refreshAheadMs

  async function read(key: string): Promise<SessionRecord | undefined> {
    const value: unknown = await store.get(key)
    return isSessionRecord(value) && now() < value.endsAt ? value : undefined
  }
  async function write(key: string, record: SessionRecord): Promise<void> {
    await store.set(key, record, record.endsAt - now())
  }
  const ended = (): OAuthError =>
    OAuthError.invalidToken('session_ended', 'The session has ended; log in again')

  async function refreshOnce(key: string, used: SessionRecord): Promise<string> {
    const latest = await read(key)
    if (latest === undefined) throw ended()
    if (latest.accessToken !== used.accessToken && usable(latest)) return latest.accessToken
    if (latest.refreshToken === undefined) throw ended()
    let response: Awaited<ReturnType<typeof client.refreshTokenGrant>>
    try {
      response = await client.refreshTokenGrant(server, latest.refreshToken)
    } catch (error) {
      if (upstreamErrorCode(error) !== 'invalid_grant') throw await upstreamFailure(error)
      // Another instance may have rotated the refresh token while we asked with the old one.
      const again = await read(key)
      if (again !== undefined && again.refreshToken !== latest.refreshToken)
        return again.accessToken
      await store.delete(key)
      throw ended()
    }
    const expiresIn = response.expiresIn()
    const record: SessionRecord = {
      ...latest,
      accessToken: response.access_token,
      refreshToken: response.refresh_token ?? latest.refreshToken,
      expiresAt: now() + (expiresIn ?? 60) * 1000,
      idToken: response.id_token ?? latest.idToken,
    }
    await write(key, record)
    return record.accessToken
  }

  async function refresh(key: string, used: SessionRecord): Promise<string> {
    const deadline = performance.now() + 2 * timeoutMs
    for (;;) {
      const lock = await tryLock(store, `${key}|refresh-lock`, LOCK_MARKER, timeoutMs)
      if (lock !== undefined) {
        try {
          return await refreshOnce(key, used)
        } finally {
          await lock.release().catch(() => undefined)
        }
      }
      await pause(POLL_MS)
      const latest = await read(key)
      if (latest === undefined) throw ended()
      if (latest.accessToken !== used.accessToken && usable(latest)) return latest.accessToken
      if (performance.now() > deadline)
        throw await upstreamFailure(new Error('the session refresh lock was not released'))
    }
  }

  return {
    read,
    write,
    async accessToken(key) {
      const record = await read(key)
      if (record === undefined) throw ended()
      if (usable(record)) return record.accessToken
      let pending = inFlight.get(key)
      if (pending === undefined) {
        pending = refresh(key, record).finally(() => inFlight.delete(key))
        inFlight.set(key, pending)
      }
      return pending
    },
  }
}
