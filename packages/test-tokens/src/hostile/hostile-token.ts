/**
 * The answer a correct resource server gives to a hostile token (RFC 6750 §3.1): 401
 * `invalid_token` for a token that is expired, revoked, malformed or otherwise invalid, and
 * 400 `invalid_request` when the `Authorization` header itself is malformed.
 */
export interface HostileExpectation {
  /** The HTTP status. */
  readonly status: 401 | 400
  /** The `error` parameter of the `WWW-Authenticate: Bearer` challenge. */
  readonly error: 'invalid_token' | 'invalid_request'
}

/**
 * One token an attacker would try, and the answer a correct resource server gives to it.
 * Every hostile token carries the issuer's real `iss` and `aud` and a future `exp` (unless
 * one of those is the point of the case), so it is refused for exactly one reason.
 */
export interface HostileToken {
  /** A short, stable, kebab-case name, such as `alg-none` or `wrong-audience`. */
  readonly name: string
  /** What the token is and why a correct resource server refuses it. */
  readonly description: string
  /** The compact token, as sent after `Authorization: Bearer `. */
  readonly token: string
  /** The answer a correct resource server gives. */
  readonly expect: HostileExpectation
  /**
   * `true` when only a server in strict RFC 9068 mode (`typ: at+jwt` required) refuses the
   * token; a lenient server rightly accepts it. Absent otherwise.
   */
  readonly strictOnly?: boolean
}

/** 401 `invalid_token`: the token is invalid (RFC 6750 §3.1). */
export const INVALID_TOKEN: HostileExpectation = Object.freeze({
  status: 401,
  error: 'invalid_token',
})

/** 400 `invalid_request`: the request, here the `Authorization` header, is malformed. */
export const INVALID_REQUEST: HostileExpectation = Object.freeze({
  status: 400,
  error: 'invalid_request',
})

/** Builds a frozen {@link HostileToken}. Default answer: 401 `invalid_token`. */
export function hostileToken(
  name: string,
  description: string,
  token: string,
  options: { expect?: HostileExpectation; strictOnly?: boolean } = {},
): HostileToken {
  const { expect = INVALID_TOKEN, strictOnly } = options
  return Object.freeze({
    name,
    description,
    token,
    expect,
    ...(strictOnly === true ? { strictOnly } : {}),
  })
}
