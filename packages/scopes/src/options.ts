import { checkOptionNames, optionNames, type ChallengeParams } from '@tokenguard/core/internal'

/** Options of the scope and claim checks and of {@link createScopeGuards}. */
export interface ScopeCheckOptions {
  /**
   * Protection space written as `realm="..."` in every `WWW-Authenticate` challenge
   * (RFC 6750 §3). Use the realm of the bearer middleware. Default: none.
   */
  realm?: string
}

const SCOPE_CHECK_OPTION_NAMES = optionNames<ScopeCheckOptions>()(['realm'])

/**
 * Validates options once and returns the challenge parameters every refusal carries.
 *
 * @internal
 */
export function challengeOf(options: ScopeCheckOptions): Readonly<ChallengeParams> {
  checkOptionNames('@tokenguard/scopes', options, SCOPE_CHECK_OPTION_NAMES)
  const { realm } = options
  if (realm !== undefined && (typeof realm !== 'string' || realm === '')) {
    throw new TypeError(
      '@tokenguard/scopes: realm must be a non-empty string, e.g. { realm: "api" }',
    )
  }
  return Object.freeze(realm === undefined ? {} : { realm })
}
