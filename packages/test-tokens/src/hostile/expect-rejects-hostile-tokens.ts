import { AssertionError } from 'node:assert'
import type { RequestListener } from 'node:http'
import { checkKnownOptions } from '../options/check-options.js'
import type { HostileToken } from './hostile-token.js'
import type { HostileTokens } from './hostile-tokens.js'
import { sendBearer } from './send-bearer.js'
import type { BearerAnswer } from './send-bearer.js'
import { withBaseUrl } from './with-base-url.js'

/** What {@link expectRejectsHostileTokens} needs of the issuer: a `TestIssuer` is one. */
export interface HostileIssuer {
  /** Mints the hostile tokens. */
  readonly hostile: HostileTokens
  /** Mints the valid control token. */
  sign(claims?: Record<string, unknown>): Promise<string>
}

/** Options of {@link expectRejectsHostileTokens}. */
export interface ExpectRejectsHostileTokensOptions {
  /** The test issuer the app trusts, which mints the tokens. Required. */
  issuer: HostileIssuer
  /**
   * Claims every token carries on top of the issuer's defaults: give the scopes the route
   * requires, so that only the hostile part can get a token refused. Default: `{}`.
   */
  claims?: Record<string, unknown>
  /**
   * Also send the cases only a strict RFC 9068 server refuses (`typ: JWT`, an ID token).
   * Default: `false`.
   */
  strict?: boolean
  /** The HTTP method of every request. Default: `'GET'`. */
  method?: string
  /** Further request headers; `Authorization` is always the token's. Default: none. */
  headers?: Readonly<Record<string, string>>
  /** Longest wait for one answer, in milliseconds. Default: 10000 (10 s). */
  timeoutMs?: number
}

const OPTIONS = ['issuer', 'claims', 'strict', 'method', 'headers', 'timeoutMs']
const CONTROL = 'valid-token (control)'

/**
 * Sends every `issuer.hostile` token to `path` of `app` as `Authorization: Bearer` and
 * checks each answer is the one a correct resource server gives: the status, the
 * `error="..."` of the `WWW-Authenticate` challenge, and no echo of the token in the body or
 * headers. A valid token with the same claims goes first, as a control: if the app refuses
 * it, the other answers would prove nothing. Resolves to the names of the cases checked;
 * rejects with one `AssertionError` (node:assert) naming every case answered wrongly, got
 * versus wanted, so it works under vitest, jest and node:test alike.
 *
 * `app` is a request listener (an Express or Connect app), served on 127.0.0.1 for the
 * duration of the call, or the base URL of a running server.
 *
 * @example
 * it('refuses every hostile token', async () => {
 *   await expectRejectsHostileTokens(app, '/api/pets', { issuer, claims: { scope: 'pets:read' } })
 * })
 */
export async function expectRejectsHostileTokens(
  app: RequestListener | string,
  path: string,
  options: ExpectRejectsHostileTokensOptions,
): Promise<string[]> {
  const { issuer, claims = {}, strict = false, ...request } = checkArguments(app, path, options)
  const tokens = await issuer.hostile.all(claims, { strict })
  const control = await issuer.sign(claims)
  return withBaseUrl(app, async (baseUrl) => {
    const send = (token: string) => sendBearer(`${baseUrl}${path}`, token, request)
    const problems: string[] = []
    const controlProblem = judgeControl(await send(control))
    if (controlProblem !== undefined) problems.push(`${CONTROL}: ${controlProblem}`)
    // One at a time: a server that rate-limits or counts failures sees an ordinary client.
    for (const hostile of tokens) {
      const problem = judge(hostile, await send(hostile.token))
      if (problem !== undefined) problems.push(`${hostile.name}: ${problem}`)
    }
    if (problems.length > 0) {
      const where = `${request.method ?? 'GET'} ${path}`
      throw new AssertionError({
        message:
          `expectRejectsHostileTokens: ${problems.length} of ${tokens.length + 1} answers of ${where} ` +
          `(${tokens.length} hostile tokens and a valid control) are not what a correct ` +
          `resource server sends:\n  ${problems.join('\n  ')}`,
        operator: 'expectRejectsHostileTokens',
      })
    }
    return tokens.map((token) => token.name)
  })
}

function judge(hostile: HostileToken, answer: BearerAnswer): string | undefined {
  const wanted = `${hostile.expect.status} ${hostile.expect.error}`
  if ('failure' in answer) return `got no answer (${answer.failure}), wanted ${wanted}`
  const echoed = answer.echoed ? ', and the response echoed the token' : ''
  const right =
    answer.status === hostile.expect.status && answer.error === hostile.expect.error && !echoed
  return right ? undefined : `got ${describeAnswer(answer)}${echoed}, wanted ${wanted}`
}

function judgeControl(answer: BearerAnswer): string | undefined {
  const refused =
    'failure' in answer ||
    answer.status === 401 ||
    answer.status >= 500 ||
    answer.error === 'invalid_token' ||
    answer.error === 'invalid_request'
  if (!refused) return undefined
  const got = 'failure' in answer ? `no answer (${answer.failure})` : describeAnswer(answer)
  return (
    `got ${got}, wanted the token accepted: the app refuses a valid token of this issuer, ` +
    'so the hostile answers prove nothing (check its issuer, audience and the claims option)'
  )
}

function describeAnswer(answer: { status: number; error: string | undefined }): string {
  return `${answer.status} ${answer.error ?? '(no error in WWW-Authenticate)'}`
}

function checkArguments(
  app: unknown,
  path: unknown,
  options: ExpectRejectsHostileTokensOptions,
): ExpectRejectsHostileTokensOptions {
  const fail = (message: string) => new TypeError(`@tokenguard/test-tokens: ${message}`)
  if (typeof app !== 'function' && typeof app !== 'string') {
    throw fail('app must be a request listener (an Express or Connect app) or a base URL')
  }
  if (typeof path !== 'string' || !path.startsWith('/')) throw fail('path must start with "/"')
  if (options === null || typeof options !== 'object') throw fail('options.issuer is required')
  checkKnownOptions('expectRejectsHostileTokens', options, OPTIONS)
  const hostile: unknown = (options.issuer as Partial<HostileIssuer> | undefined)?.hostile
  if (hostile === undefined || typeof options.issuer.sign !== 'function') {
    throw fail('options.issuer must be the TestIssuer the app trusts')
  }
  if (
    options.method !== undefined &&
    (typeof options.method !== 'string' || options.method === '')
  ) {
    throw fail('options.method must be an HTTP method such as GET')
  }
  const { timeoutMs } = options
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0)) {
    throw fail('options.timeoutMs must be a positive number of milliseconds')
  }
  return options
}
