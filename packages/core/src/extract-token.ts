import type { IncomingHttpHeaders } from 'node:http'
import { isJwtShaped } from './internal/jwt-shape.js'
import { OAuthError } from './oauth-error.js'

/** The parts of a request that token extraction reads: a `node:http` request fits. */
export interface TokenRequest {
  readonly method?: string | undefined
  readonly url?: string | undefined
  readonly headers: IncomingHttpHeaders
  readonly rawHeaders?: readonly string[] | undefined
  /** A parsed body, as `express.urlencoded()` leaves it. */
  readonly body?: unknown
}

/** Where {@link extractBearerToken} may look for the token (RFC 6750 §2). */
export interface TokenExtractionOptions {
  /**
   * Accept `access_token` in an `application/x-www-form-urlencoded` body (RFC 6750 §2.2),
   * as parsed by the app's body parser. Even when off, a body token beside a header token
   * is 400 `invalid_request` (RFC 6750 §2: one method per request). Default: `false`.
   */
  allowBodyToken?: boolean
  /**
   * Accept `access_token` in the query string (RFC 6750 §2.3). Query strings end up in
   * logs and browser history (RFC 6750 §5.3), so keep this off unless a client cannot send
   * headers. Even when off, a query token beside a header token is 400 `invalid_request`.
   * Default: `false`.
   */
  allowQueryToken?: boolean
  /** Longest token accepted, in bytes. Default: 16384 (16 KiB). */
  maxTokenBytes?: number
  /**
   * Authorization schemes accepted in the header: `bearer` (RFC 6750), `dpop` (RFC 9449
   * §7.1). A request with another scheme carries no credentials for us. Default: `['bearer']`.
   */
  schemes?: readonly AccessTokenScheme[]
}

/** An Authorization scheme that carries an access token. */
export type AccessTokenScheme = 'bearer' | 'dpop'

/** A token found in a request, and where it was found. */
export interface ExtractedToken {
  readonly token: string
  readonly method: 'header' | 'body' | 'query'
  /** The scheme the token came with; body and query tokens are always `bearer`. */
  readonly scheme: AccessTokenScheme
}

const DEFAULT_MAX_TOKEN_BYTES = 16_384
const BEARER_ONLY: readonly AccessTokenScheme[] = ['bearer']
// RFC 9110 §11.4: credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
const CREDENTIALS = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?: +(.*))?$/s
// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/
const BASE64_CHARS = /^[A-Za-z0-9\-._~+/=]+$/
// Visible characters that keep the header one credential: no quote, comma or backslash,
// which would make it a quoted-string or a list of auth-params (RFC 9110 §11.4).
const ONE_WORD = /^[\x21\x23-\x2B\x2D-\x5B\x5D-\x7E]+$/

/**
 * Finds the bearer token of a request (RFC 6750 §2): the `Authorization` header, and,
 * when allowed, the form body and the query string.
 *
 * Returns `undefined` when the request carries no bearer credentials (no header, or
 * another scheme such as `Basic`). Throws {@link OAuthError} 400 `invalid_request` when
 * the header is malformed, the credentials are repeated, or sent by more than one method
 * (§2, §3.1; a query or body token beside the header counts even when those methods are
 * off), and 401 `invalid_token` when the token is malformed or longer than `maxTokenBytes`.
 *
 * @example
 * const found = extractBearerToken(req, { allowQueryToken: false })
 * if (found === undefined) throw OAuthError.missingCredentials()
 */
export function extractBearerToken(
  req: TokenRequest,
  options: TokenExtractionOptions = {},
): ExtractedToken | undefined {
  const maxTokenBytes = options.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES
  const header = fromHeader(req, maxTokenBytes, options.schemes ?? BEARER_ONLY)
  const body = options.allowBodyToken === true ? fromBody(req) : undefined
  const query = options.allowQueryToken === true ? fromQuery(req) : undefined
  // RFC 6750 §2: clients MUST NOT use more than one method in each request. A token in the
  // query or the body beside the header breaks that rule even where those methods are off
  // (the token is now in a URL or a body): the request is refused, not quietly half-read.
  const methods =
    (header === undefined ? 0 : 1) + (body === undefined ? 0 : 1) + (query === undefined ? 0 : 1)
  const alsoElsewhere =
    header !== undefined &&
    methods === 1 &&
    ((options.allowBodyToken !== true && hasBodyToken(req)) ||
      (options.allowQueryToken !== true && hasQueryToken(req)))
  if (methods > 1 || alsoElsewhere) {
    throw OAuthError.invalidRequest(
      'multiple_methods',
      'The access token was sent by more than one method',
    )
  }
  const result =
    header ??
    (body === undefined
      ? undefined
      : { token: body, method: 'body' as const, scheme: 'bearer' as const }) ??
    (query === undefined
      ? undefined
      : { token: query, method: 'query' as const, scheme: 'bearer' as const })
  if (result === undefined) return undefined
  checkToken(result.token, maxTokenBytes)
  return result
}

function fromHeader(
  req: TokenRequest,
  maxTokenBytes: number,
  schemes: readonly AccessTokenScheme[],
): ExtractedToken | undefined {
  const value = req.headers.authorization
  if (value === undefined || value === '') return undefined
  if (value.length > maxTokenBytes + 64) {
    throw OAuthError.invalidRequest('header_too_large', 'The Authorization header is too large')
  }
  if (countAuthorizationHeaders(req.rawHeaders) > 1) {
    throw OAuthError.invalidRequest(
      'multiple_tokens',
      'More than one Authorization header was sent',
    )
  }
  const match = CREDENTIALS.exec(value)
  if (match === null) {
    throw OAuthError.invalidRequest('malformed_header', 'The Authorization header is malformed')
  }
  const scheme = match[1]?.toLowerCase() as AccessTokenScheme
  if (!schemes.includes(scheme)) return undefined
  const token = match[2]
  if (token === undefined || token === '') {
    throw OAuthError.invalidRequest('malformed_header', 'The Authorization header has no token')
  }
  return { token, method: 'header', scheme }
}

function fromBody(req: TokenRequest): string | undefined {
  const body = req.body
  if (body === null || typeof body !== 'object' || !Object.hasOwn(body, 'access_token')) {
    return undefined
  }
  // RFC 6750 §2.2: only a single-part form body, and never with GET.
  const type = req.headers['content-type'] ?? ''
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) return undefined
  if (req.method === 'GET' || req.method === 'HEAD') {
    throw OAuthError.invalidRequest('malformed_body', 'A body token cannot be sent with GET')
  }
  return singleValue((body as Record<string, unknown>).access_token)
}

function fromQuery(req: TokenRequest): string | undefined {
  const url = req.url ?? ''
  const start = url.indexOf('?')
  if (start === -1) return undefined
  // Parsed even when the raw text lacks `access_token`: `access%5Ftoken` names it too.
  const values = new URLSearchParams(url.slice(start + 1)).getAll('access_token')
  return values.length === 0 ? undefined : singleValue(values)
}

function singleValue(value: unknown): string {
  if (Array.isArray(value)) {
    if (value.length !== 1) {
      throw OAuthError.invalidRequest('multiple_tokens', 'More than one access token was sent')
    }
    return singleValue(value[0])
  }
  if (typeof value !== 'string') {
    throw OAuthError.invalidRequest('malformed_token', 'The access token is malformed')
  }
  return value
}

function checkToken(token: string, maxTokenBytes: number): void {
  if (token.length > maxTokenBytes) {
    throw OAuthError.invalidToken('token_too_large', 'The access token is too large')
  }
  if (B64TOKEN.test(token)) return
  // Base64 characters with `=` inside (a JWT whose parts are standard, padded base64), or a
  // JWT-shaped word of other visible characters (`!`, `%`), are a malformed token: 401
  // `invalid_token` (RFC 6750 §3.1). Other characters (a space, quotes, commas) break the
  // request's syntax: 400 `invalid_request`.
  if (BASE64_CHARS.test(token) || (isJwtShaped(token) && ONE_WORD.test(token))) {
    throw OAuthError.invalidToken('malformed_token', 'The access token is malformed')
  }
  throw OAuthError.invalidRequest('malformed_token', 'The access token is malformed')
}

function hasBodyToken(req: TokenRequest): boolean {
  const body = req.body
  if (body === null || typeof body !== 'object' || !Object.hasOwn(body, 'access_token')) {
    return false
  }
  return /^application\/x-www-form-urlencoded\s*(;|$)/i.test(req.headers['content-type'] ?? '')
}

function hasQueryToken(req: TokenRequest): boolean {
  const url = req.url ?? ''
  const start = url.indexOf('?')
  return start !== -1 && new URLSearchParams(url.slice(start + 1)).has('access_token')
}

function countAuthorizationHeaders(rawHeaders: readonly string[] | undefined): number {
  if (rawHeaders === undefined) return 1
  let count = 0
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]
    if (name !== undefined && name.length === 13 && name.toLowerCase() === 'authorization') count++
  }
  return count
}
