import { checkOptionNames, optionNames } from '@tokenguard/core/internal'
import type { UserAuthenticationOptions } from '../check-user-authentication.js'

const DEFAULT_CLOCK_TOLERANCE_SEC = 5
const USER_AUTHENTICATION_OPTION_NAMES = optionNames<UserAuthenticationOptions>()([
  'acrValues',
  'maxAgeSec',
  'clockToleranceSec',
  'now',
])
// An acr value travels in the space-separated acr_values parameter (RFC 9470 §3), so it is
// one token of the characters RFC 6750 allows in a quoted parameter: no space, `"` or `\`.
const ACR_VALUE = /^[\x21\x23-\x5b\x5d-\x7e]+$/

/** A user-authentication requirement once validated: copied and frozen. */
export interface CompiledUserAuthentication {
  readonly acrValues: readonly string[] | undefined
  readonly maxAgeSec: number | undefined
  readonly clockToleranceSec: number
  readonly now: () => number
}

/** Checks the options of a step-up check and copies them; throws a `TypeError` to fix. */
export function validateUserAuthentication(
  caller: string,
  options: UserAuthenticationOptions,
): CompiledUserAuthentication {
  const prefix = `@tokenguard/scopes: ${caller}`
  const usage = `${caller}({ acrValues: ['mfa'], maxAgeSec: 300 })`
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${prefix} takes { acrValues, maxAgeSec }, e.g. ${usage}`)
  }
  checkOptionNames('@tokenguard/scopes', options, USER_AUTHENTICATION_OPTION_NAMES)
  const { acrValues, maxAgeSec, clockToleranceSec = DEFAULT_CLOCK_TOLERANCE_SEC, now } = options
  if (acrValues === undefined && maxAgeSec === undefined) {
    throw new TypeError(`${prefix} needs acrValues, maxAgeSec or both, e.g. ${usage}`)
  }
  if (
    acrValues !== undefined &&
    (!Array.isArray(acrValues) ||
      acrValues.length === 0 ||
      !acrValues.every((value) => typeof value === 'string' && ACR_VALUE.test(value)))
  ) {
    throw new TypeError(
      `${prefix} acrValues must be a non-empty array of acr values, each without whitespace, ` +
        `quotes or backslashes, e.g. ['mfa'] or ['urn:example:loa:3']`,
    )
  }
  if (maxAgeSec !== undefined && !isWholeSeconds(maxAgeSec)) {
    throw new TypeError(`${prefix} maxAgeSec must be a whole number of seconds, 0 or more`)
  }
  if (
    typeof clockToleranceSec !== 'number' ||
    !Number.isFinite(clockToleranceSec) ||
    clockToleranceSec < 0
  ) {
    throw new TypeError(`${prefix} clockToleranceSec must be a number of seconds, 0 or more`)
  }
  if (now !== undefined && typeof now !== 'function') {
    throw new TypeError(`${prefix} now must be a function returning milliseconds, like Date.now`)
  }
  return Object.freeze({
    acrValues: acrValues === undefined ? undefined : Object.freeze([...new Set(acrValues)]),
    maxAgeSec,
    clockToleranceSec,
    now: now ?? Date.now,
  })
}

function isWholeSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}
