import { randomBytes, randomInt } from 'node:crypto'
import { createExpiringMap } from './expiring-map.js'

/** A pending, approved or denied device authorization (RFC 8628 §3.2 to §3.5). */
export interface DeviceRecord {
  readonly clientId: string
  readonly scope: string
  readonly expiresAtMs: number
  /** Least seconds between polls; `slow_down` adds 5 (RFC 8628 §3.5). */
  intervalSec: number
  lastPollMs: number | undefined
  status: 'pending' | 'approved' | 'denied' | 'done'
  sub: string | undefined
  /** Wrong user codes typed on the verification page, anywhere, before this one started. */
  readonly wrongGuessesBefore: number
}

/** A started device authorization: the codes to hand out, and the record. */
export interface StartedDevice {
  readonly deviceCode: string
  /** The user code as shown: `XXXX-XXXX`. */
  readonly userCode: string
  readonly record: DeviceRecord
}

/** The device authorizations in progress. */
export interface DeviceAuthorizations {
  start(clientId: string, scope: string, nowMs: number): StartedDevice
  /** The record of a device code, expired ones included until they are forgotten. */
  byDeviceCode(deviceCode: string, nowMs: number): DeviceRecord | undefined
  /**
   * The pending, unexpired, unspent record of a user code, as typed (case, spaces, dashes
   * ignored).
   */
  pendingByUserCode(userCode: string, nowMs: number): DeviceRecord | undefined
  /** Counts a wrong user code typed on the verification page, from any address. */
  wrongUserCode(): void
  /**
   * Whether the record saw {@link MAX_WRONG_GUESSES_PER_DEVICE} wrong user codes while it
   * was pending: then it can no longer be approved, and its device gets `expired_token`.
   */
  spent(record: DeviceRecord): boolean
}

/** Most device authorizations kept at once. */
export const MAX_DEVICE_AUTHORIZATIONS = 1_000
/**
 * Wrong user codes, typed anywhere, that a pending device authorization outlives (RFC 8628
 * §5.1): a guesser spread over many addresses gets at most this many tries at each code,
 * a chance of 50 in 20^8 (2.6e10).
 */
export const MAX_WRONG_GUESSES_PER_DEVICE = 50
// RFC 8628 §6.1: consonants only, no vowels (no words) and no look-alikes; 20^8 codes.
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ'
const USER_CODE_LENGTH = 8
// Expired records are kept a while longer, so polls get expired_token, not invalid_grant.
const REMEMBER_EXPIRED_MS = 10 * 60_000

/** Creates an empty store whose codes live `expiresInSec` and are polled every `intervalSec`. */
export function createDeviceAuthorizations(
  expiresInSec: number,
  intervalSec: number,
): DeviceAuthorizations {
  const byDevice = createExpiringMap<DeviceRecord>(MAX_DEVICE_AUTHORIZATIONS)
  const byUser = createExpiringMap<DeviceRecord>(MAX_DEVICE_AUTHORIZATIONS)
  let wrongGuesses = 0
  const spent = (record: DeviceRecord): boolean =>
    wrongGuesses - record.wrongGuessesBefore >= MAX_WRONG_GUESSES_PER_DEVICE
  return {
    start(clientId, scope, nowMs) {
      const expiresAtMs = nowMs + expiresInSec * 1000
      const record: DeviceRecord = {
        clientId,
        scope,
        expiresAtMs,
        intervalSec,
        lastPollMs: undefined,
        status: 'pending',
        sub: undefined,
        wrongGuessesBefore: wrongGuesses,
      }
      let userCode = newUserCode()
      while (byUser.get(userCode, nowMs) !== undefined) userCode = newUserCode()
      const deviceCode = randomBytes(32).toString('base64url')
      byDevice.set(deviceCode, record, expiresAtMs + REMEMBER_EXPIRED_MS, nowMs)
      byUser.set(userCode, record, expiresAtMs, nowMs)
      return { deviceCode, userCode: `${userCode.slice(0, 4)}-${userCode.slice(4)}`, record }
    },
    byDeviceCode: (deviceCode, nowMs) => byDevice.get(deviceCode, nowMs),
    pendingByUserCode(userCode, nowMs) {
      const normalized = userCode.toUpperCase().replace(/[\s-]/g, '')
      if (normalized.length !== USER_CODE_LENGTH) return undefined
      const record = byUser.get(normalized, nowMs)
      const usable = record?.status === 'pending' && record.expiresAtMs > nowMs && !spent(record)
      return usable ? record : undefined
    },
    wrongUserCode: () => void wrongGuesses++,
    spent,
  }
}

function newUserCode(): string {
  let code = ''
  for (let i = 0; i < USER_CODE_LENGTH; i++) {
    code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)]
  }
  return code
}
