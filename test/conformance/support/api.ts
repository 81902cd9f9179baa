import type { ErrorRequestHandler, RequestHandler } from 'express'
import express from 'express'
import { oauthErrorHandler, OAuthError } from '@tokenguard/core'
import { introspectionBearer, type IntrospectionBearerOptions } from '@tokenguard/introspect'
import { jwtBearer, type JwtBearerOptions } from '@tokenguard/jwt-verify'
import { createScopeGuards } from '@tokenguard/scopes'
import { DEFAULT_TEST_CLIENT, type RunningIssuer, type TestIssuer } from '@tokenguard/test-tokens'
import { serve, type LocalServer } from '@tokenguard/test-support/serve'
import { parseChallenges, type ParsedChallenge } from './challenge-parser.js'

/** The realm of every API the conformance tests start. */
export const REALM = 'conformance'

/** A running test API, and the reasons of the OAuthErrors it answered, in order. */
export interface TestApi extends LocalServer {
  /** The `reason` of every OAuthError the API answered, oldest first. */
  readonly reasons: string[]
  /** Sends `GET /api/pets` (or `path`) with `token` as a Bearer token, and reads the answer. */
  get(token: string | undefined, init?: RequestOptions): Promise<Answer>
}

/** Extra request options of {@link TestApi.get}. */
export interface RequestOptions {
  readonly path?: string
  readonly method?: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
}

/** What the API answered. */
export interface Answer {
  readonly status: number
  /** The raw `WWW-Authenticate` value, if any. */
  readonly header: string | undefined
  /** The parsed challenges (RFC 9110 §11.6.1); empty without the header. */
  readonly challenges: readonly ParsedChallenge[]
  readonly retryAfter: string | undefined
  readonly body: unknown
  readonly text: string
  /** `"<status> <error>"`, e.g. `401 invalid_token`, or `"200"`. */
  readonly outcome: string
}

type Mount = 'jwt' | 'introspection'

/**
 * Serves an Express 5 API on 127.0.0.1: `/api/pets` (scope `pets:read`) and `/api/admin`
 * (scopes `pets:admin` and `pets:audit`) behind the bearer middleware (`jwtBearer`, or
 * `introspectionBearer`) and `requireScopes`, answering the claims as JSON, with
 * `oauthErrorHandler()` rendering refusals. Form bodies are parsed, for body tokens.
 */
export async function startApi(
  options:
    | { kind?: 'jwt'; jwt: JwtBearerOptions }
    | { kind: 'introspection'; introspection: IntrospectionBearerOptions },
): Promise<TestApi> {
  const kind: Mount = options.kind ?? 'jwt'
  const bearer =
    options.kind === 'introspection'
      ? introspectionBearer({ realm: REALM, ...options.introspection })
      : jwtBearer({ realm: REALM, ...options.jwt })
  const reasons: string[] = []
  const record: ErrorRequestHandler = (err, _req, _res, next) => {
    if (err instanceof OAuthError) reasons.push(String(err.reason))
    next(err)
  }
  const { requireScopes } = createScopeGuards({ realm: REALM })
  const app = express()
  app.use(express.urlencoded({ extended: false }))
  app.use('/api', bearer)
  const answer: RequestHandler = (req, res) => {
    res.json({ kind, claims: req.auth?.claims ?? null })
  }
  app.all('/api/pets', requireScopes('pets:read'), answer)
  app.all('/api/admin', requireScopes('pets:admin', 'pets:audit'), answer)
  app.use(record, oauthErrorHandler())
  const server = await serve(app)
  return { ...server, reasons, get: (token, init) => send(server.url, token, init) }
}

/** Sends one request and reads the answer, parsing the challenge strictly. */
export async function send(
  baseUrl: string,
  token: string | undefined,
  init: RequestOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers }
  if (token !== undefined) headers.authorization = `Bearer ${token}`
  const response = await fetch(`${baseUrl}${init.path ?? '/api/pets'}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined ? {} : { body: init.body }),
  })
  const text = await response.text()
  const header = response.headers.get('www-authenticate') ?? undefined
  const challenges = header === undefined ? [] : parseChallenges(header)
  let body: unknown = undefined
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  const error = challenges[0]?.params.find(([name]) => name === 'error')?.[1]
  return {
    status: response.status,
    header,
    challenges,
    retryAfter: response.headers.get('retry-after') ?? undefined,
    body,
    text,
    outcome: error === undefined ? String(response.status) : `${response.status} ${error}`,
  }
}

/** Options of `jwtBearer` that trust `issuer` (discovery at its running server). */
export function trust(issuer: TestIssuer, extra: Partial<JwtBearerOptions> = {}): JwtBearerOptions {
  return { issuer: issuer.issuer, audience: issuer.audience, ...extra }
}

/** Options of `introspectionBearer` for `running`'s endpoint, as the issuer's default client. */
export function introspectAt(
  issuer: TestIssuer,
  running: RunningIssuer,
  extra: Partial<IntrospectionBearerOptions> = {},
): IntrospectionBearerOptions {
  return {
    issuer: issuer.issuer,
    audience: issuer.audience,
    introspectionEndpoint: running.introspectionEndpoint,
    clientAuth: {
      method: 'client_secret_basic',
      clientId: DEFAULT_TEST_CLIENT.client_id,
      clientSecret: DEFAULT_TEST_CLIENT.client_secret,
    },
    ...extra,
  }
}
