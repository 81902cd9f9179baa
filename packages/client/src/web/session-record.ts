/** A logged-in session as the session {@link Store} keeps it (JSON, so Redis can share it). */
export interface SessionRecord {
  /** The access token; never sent to the browser. */
  readonly accessToken: string
  /** The refresh token, rotated on every refresh; never sent to the browser. */
  readonly refreshToken: string | undefined
  /** When the access token expires, in milliseconds since the epoch. */
  readonly expiresAt: number
  /** The ID token, kept for `id_token_hint` at logout. */
  readonly idToken: string | undefined
  /** The user's claims from the ID token (`sub`, `name`, `email`, ...). */
  readonly user: Readonly<Record<string, unknown>>
  /** When the session ends whatever happens, in milliseconds since the epoch. */
  readonly endsAt: number
}

/** Whether `value` (read from a shared store) is a well-formed session. */
export function isSessionRecord(value: unknown): value is SessionRecord {
  if (value === null || typeof value !== 'object') return false
  const record = value as Record<string, unknown>
  return (
    typeof record.accessToken === 'string' &&
    record.accessToken !== '' &&
    (record.refreshToken === undefined || typeof record.refreshToken === 'string') &&
    typeof record.expiresAt === 'number' &&
    typeof record.endsAt === 'number' &&
    record.user !== null &&
    typeof record.user === 'object'
  )
}
