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
  /** The pending, unexpired record of a user code, as typed (case, spaces, dashes ignored). */
  pendingByUserCode(userCode: string, nowMs: number): DeviceRecord | undefined
}

/** Most device authorizations kept at once. */
export const MAX_DEVICE_AUTHORIZATIONS = 1_000
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
      return record?.status === 'pending' && record.expiresAtMs > nowMs ? record : undefined
    },
  }
}

function newUserCode(): string {
  let code = ''
  for (let i = 0; i < USER_CODE_LENGTH; i++) {
    code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)]
  }
  return code
}
