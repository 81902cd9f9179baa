import type { TestAlgorithm } from '../keys/algorithms.js'
import { isTestAlgorithm } from '../keys/algorithms.js'
import type { SignOptions } from './sign-options.js'
import type { TestKey } from '../keys/test-key.js'
import { buildClaims, mergeDefined } from './build-claims.js'
import { checkKnownOptions } from '../options/check-options.js'
import type { KeyRing } from '../keys/key-ring.js'
import { signCompact } from './sign-compact.js'

/** The issuer state one `sign` call reads. */
export interface SignContext {
  readonly ring: KeyRing
  readonly issuer: string
  readonly audience: string
  readonly defaultAlg: TestAlgorithm
  readonly defaultExpiresInSec: number
  readonly nowMs: number
}

const SIGN_OPTIONS = ['alg', 'kid', 'typ', 'expiresInSec', 'header', 'omit']

/** A signed token and the claims it carries. */
export interface SignedToken {
  readonly token: string
  readonly payload: Readonly<Record<string, unknown>>
}

/** Mints one access token: picks the key, shapes header and claims, signs. */
export async function signToken(
  context: SignContext,
  claims: Readonly<Record<string, unknown>>,
  options: SignOptions,
): Promise<SignedToken> {
  checkKnownOptions('sign', options, SIGN_OPTIONS)
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
    throw new TypeError('@tokenguard/test-tokens: claims must be an object')
  }
  const expiresInSec = options.expiresInSec ?? context.defaultExpiresInSec
  if (typeof expiresInSec !== 'number' || !Number.isFinite(expiresInSec)) {
    throw new RangeError('@tokenguard/test-tokens: expiresInSec must be a finite number')
  }
  const key = pickKey(context, options)
  const header = mergeDefined(
    {
      alg: key.alg,
      ...(options.typ === null ? {} : { typ: options.typ ?? 'at+jwt' }),
      ...(options.kid === null ? {} : { kid: options.kid ?? key.kid }),
    },
    options.header ?? {},
  )
  const payload = buildClaims(claims, {
    issuer: context.issuer,
    audience: context.audience,
    nowMs: context.nowMs,
    expiresInSec,
    omit: options.omit ?? [],
  })
  const token = await signCompact(key, header, new TextEncoder().encode(JSON.stringify(payload)))
  return { token, payload }
}

function pickKey(context: SignContext, options: SignOptions): TestKey {
  if (options.alg !== undefined && !isTestAlgorithm(options.alg)) {
    throw new RangeError(`@tokenguard/test-tokens: unsupported alg "${String(options.alg)}"`)
  }
  const named = typeof options.kid === 'string' ? context.ring.byKid(options.kid) : undefined
  if (named !== undefined && (options.alg === undefined || named.alg === options.alg)) return named
  return context.ring.current(options.alg ?? context.defaultAlg)
}
