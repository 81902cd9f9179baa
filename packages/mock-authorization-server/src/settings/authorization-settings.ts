import type { AuthorizationServerSettings } from '../mock-authorization-server-options.js'
import { optionNames } from '@tokenguard/core/internal'
import { PACKAGE } from '../package-name.js'

/** {@link AuthorizationServerSettings} checked, with their defaults filled in. */
export interface AuthorizationSettings {
  readonly autoApprove: boolean
  readonly subject: string
  /** Claims `/userinfo` adds per subject. */
  readonly users: ReadonlyMap<string, Readonly<Record<string, unknown>>>
  readonly codeExpiresInSec: number
  readonly refreshTokenExpiresInSec: number
  readonly deviceCodeExpiresInSec: number
  readonly devicePollIntervalSec: number
}

/** The option names of {@link AuthorizationServerSettings}. */
export const AUTHORIZATION_OPTIONS = optionNames<AuthorizationServerSettings>()([
  'autoApprove',
  'subject',
  'users',
  'codeExpiresInSec',
  'refreshTokenExpiresInSec',
  'deviceCodeExpiresInSec',
  'devicePollIntervalSec',
])

/** Longest subject accepted, from options or the login page, in characters. */
export const MAX_SUBJECT_LENGTH = 256
const DAY_SEC = 86_400

/** Checks the authorization server options and fills in the defaults; throws on a mistake. */
export function resolveAuthorizationSettings(
  options: AuthorizationServerSettings,
): AuthorizationSettings {
  const autoApprove = options.autoApprove ?? false
  if (typeof autoApprove !== 'boolean') fail(TypeError, 'autoApprove must be a boolean')
  const subject = options.subject ?? 'user-123'
  if (!isSubject(subject)) {
    fail(TypeError, `subject must be a string of 1 to ${MAX_SUBJECT_LENGTH} characters`)
  }
  return {
    autoApprove,
    subject,
    users: checkUsers(options.users ?? {}),
    codeExpiresInSec: seconds('codeExpiresInSec', options.codeExpiresInSec, 60, 600),
    refreshTokenExpiresInSec: seconds(
      'refreshTokenExpiresInSec',
      options.refreshTokenExpiresInSec,
      DAY_SEC,
      365 * DAY_SEC,
    ),
    deviceCodeExpiresInSec: seconds(
      'deviceCodeExpiresInSec',
      options.deviceCodeExpiresInSec,
      600,
      DAY_SEC,
    ),
    devicePollIntervalSec: seconds('devicePollIntervalSec', options.devicePollIntervalSec, 5, 60),
  }
}

/** Whether `value` is a subject the issuer accepts: 1 to 256 characters, no control ones. */
export function isSubject(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_SUBJECT_LENGTH &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001f\u007f]/.test(value)
  )
}

function checkUsers(users: unknown): ReadonlyMap<string, Readonly<Record<string, unknown>>> {
  if (users === null || typeof users !== 'object' || Array.isArray(users)) {
    fail(TypeError, 'users must be an object of claims by subject')
  }
  const checked = new Map<string, Readonly<Record<string, unknown>>>()
  for (const [sub, claims] of Object.entries(users as Record<string, unknown>)) {
    if (!isSubject(sub) || claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
      fail(TypeError, 'users must map each subject to an object of claims')
    }
    checked.set(sub, Object.freeze(jsonCopy(claims)))
  }
  return checked
}

// A copy of plain JSON, so later changes by the test do not leak in.
function jsonCopy(claims: object): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(claims)) as Record<string, unknown>
  } catch {
    fail(TypeError, 'users claims must be JSON values')
  }
}

function seconds(name: string, value: number | undefined, fallback: number, max: number): number {
  const resolved = value ?? fallback
  if (!Number.isInteger(resolved) || resolved <= 0 || resolved > max) {
    fail(RangeError, `${name} must be an integer from 1 to ${max}`)
  }
  return resolved
}

function fail(type: typeof TypeError | typeof RangeError, message: string): never {
  throw new type(`${PACKAGE}: ${message}`)
}

/** Returns `value`, or throws a TypeError when it is not a subject the issuer accepts. */
export function checkSubject(value: unknown): string {
  if (!isSubject(value)) {
    fail(TypeError, `sub must be a string of 1 to ${MAX_SUBJECT_LENGTH} characters`)
  }
  return value
}
