import { OAuthError, type OAuthErrorReason } from '@tokenguard/core'

const refusals = new Map<string, OAuthError>()

/**
 * The shared 401 `invalid_token` error for one reason and description. An `OAuthError`
 * is immutable and carries no stack, so one frozen instance serves every request that
 * fails the same way: a flood of bad tokens allocates nothing per token for its answer.
 * Call sites pass literals only, so the table stays small.
 */
export function refusal(reason: OAuthErrorReason, description: string): OAuthError {
  const key = `${reason}\n${description}`
  let error = refusals.get(key)
  if (error === undefined) {
    error = OAuthError.invalidToken(reason, description)
    Object.freeze(error)
    refusals.set(key, error)
  }
  return error
}
