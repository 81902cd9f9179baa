import { createGrant } from './grant.js'
import { mintTokens } from './mint-tokens.js'
import { tokenError } from './token-answer.js'
import type { TokenAnswer } from './token-answer.js'
import { clientMay } from './grant-request.js'
import type { GrantRequest, GrantState } from './grant-request.js'

/** RFC 8628 §3.5: each `slow_down` adds 5 seconds to the interval. */
const SLOW_DOWN_SEC = 5

/**
 * The device authorization grant's token request (RFC 8628 §3.4, §3.5): `authorization_pending`
 * until the user decides, `slow_down` when polled faster than the interval, `access_denied`,
 * `expired_token`, else tokens, once.
 */
export function deviceCodeGrant(
  state: GrantState,
  { client, params, format, nowMs }: GrantRequest,
): Promise<TokenAnswer> | TokenAnswer {
  const deviceCode = params.get('device_code')
  if (deviceCode === undefined) {
    return tokenError('invalid_request', 'the device_code parameter is required')
  }
  const record = state.devices.byDeviceCode(deviceCode, nowMs)
  if (record === undefined || record.status === 'done') {
    return tokenError('invalid_grant', 'the device code is unknown or already used')
  }
  if (record.clientId !== client.client_id) {
    return tokenError('invalid_grant', 'the device code was issued to another client')
  }
  // A code guessed at too often is over, as if expired: the device starts again (RFC 8628 §5.1).
  const over =
    record.expiresAtMs <= nowMs || (record.status === 'pending' && state.devices.spent(record))
  if (over) return tokenError('expired_token', 'the device code expired')
  if (record.status === 'denied') return tokenError('access_denied', 'the user denied access')
  if (record.status === 'pending') {
    const last = record.lastPollMs
    record.lastPollMs = nowMs
    if (last !== undefined && nowMs - last < record.intervalSec * 1000) {
      record.intervalSec += SLOW_DOWN_SEC
      return tokenError('slow_down', `poll at most every ${record.intervalSec} seconds`)
    }
    return tokenError('authorization_pending', 'the user has not decided yet')
  }
  record.status = 'done'
  const grant = createGrant(client.client_id, record.sub ?? '', record.scope)
  return mintTokens(state.mint, {
    grant,
    scope: record.scope,
    format,
    refresh: clientMay(client, 'refresh_token'),
    idToken: { nonce: undefined, authTimeSec: Math.floor(nowMs / 1000) },
  })
}
