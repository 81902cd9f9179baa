import { randomBytes } from 'node:crypto'
import type { RequestListener } from 'node:http'
import { inspect } from 'node:util'
import express from 'express'
import { pino } from 'pino'
import { pinoHttp } from 'pino-http'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest'
import { extractBearerToken, type Middleware } from '@tokenguard/core'
import { createIntrospector, hybridBearer, type Introspector } from '@tokenguard/introspect'
import { createJwtVerifier, type JwtVerifier } from '@tokenguard/jwt-verify'
import { createPinoRedaction, requestLogger } from '@tokenguard/redact'
import {
  createTestIssuer,
  DEFAULT_TEST_CLIENT,
  type RunningIssuer,
  type TestIssuer,
} from '@tokenguard/test-tokens'
import { errorText } from '@tokenguard/test-support/errors'
import { createPetstoreApp } from '../examples/petstore/src/app.js'

// The suite's rule: no token, secret, authorization code or verifier ever reaches a log
// line, an error message or an exception text. The PetStore (and an introspection API beside
// it) handles valid, invalid, expired, query-borne and body-borne tokens, client secrets and
// codes, under requestLogger and pino-http on a redacting pino; every log line, response,
// error text and console call is kept, then searched for every secret that was minted.

const AUDIENCE = 'https://api.petstore.test'
const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const

/** Everything the run produced, by where it went. */
interface Corpus {
  readonly logLines: string[]
  /** Lines of a plain pino-http on the same app, to show the search finds what leaks. */
  readonly controlLines: string[]
  readonly responses: string[]
  readonly errorTexts: string[]
  readonly consoleCalls: string[]
  readonly statuses: number[]
}

/** The secrets of the run: every token minted, and the secrets, codes and verifiers sent. */
const secrets: string[] = []
function secret<T extends string>(value: T): T {
  secrets.push(value)
  // The signature alone identifies a JWT as much as the whole token does.
  const parts = value.split('.')
  if (parts.length === 3 && (parts[2]?.length ?? 0) > 16) secrets.push(parts[2]!)
  return value
}
const random = (): string => randomBytes(24).toString('base64url')

/** The text of what `action` throws, or nothing when it succeeds (a valid token). */
async function raised(action: () => unknown): Promise<string[]> {
  try {
    await action()
    return []
  } catch (error) {
    return [errorText(error)]
  }
}

function leaksIn(texts: readonly string[]): { secret: string; text: string }[] {
  const found: { secret: string; text: string }[] = []
  for (const text of texts) {
    for (const value of secrets) if (text.includes(value)) found.push({ secret: value, text })
  }
  return found
}

describe('no secret in logs, responses, errors or the console', () => {
  const corpus: Corpus = {
    logLines: [],
    controlLines: [],
    responses: [],
    errorTexts: [],
    consoleCalls: [],
    statuses: [],
  }
  const consoleSpies: MockInstance[] = []
  let issuer: TestIssuer
  let running: RunningIssuer
  let verifier: JwtVerifier
  let introspector: Introspector
  let wrongIntrospector: Introspector
  let app: RequestListener
  const tokens: Record<string, string> = {}
  const opaqueTokens: Record<string, string> = {}
  let wrongSecret: string
  let basicCredentials: string
  let code: string
  let verifier_: string
  let session: string

  beforeAll(async () => {
    for (const method of CONSOLE_METHODS) {
      consoleSpies.push(
        vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
          corpus.consoleCalls.push(args.map((arg) => inspect(arg, { depth: 10 })).join(' '))
        }),
      )
    }

    issuer = await createTestIssuer({ algorithms: ['ES256'], audience: AUDIENCE })
    running = await issuer.listen()
    const now = Math.floor(Date.now() / 1000)
    const sign = async (name: string, ...args: Parameters<TestIssuer['sign']>) => {
      tokens[name] = secret(await issuer.sign(...args))
    }
    await sign('read', { sub: 'alice', scope: 'pets:read' })
    await sign('write', { sub: 'alice', scope: 'pets:write pets:read' })
    await sign('adopt', { sub: 'alice', scope: 'adoptions:create' })
    await sign('expired', { sub: 'alice', scope: 'pets:read' }, { expiresInSec: -120 })
    await sign('notYetValid', { sub: 'alice', scope: 'pets:read', nbf: now + 3_600 })
    await sign('wrongAudience', { sub: 'alice', scope: 'pets:read', aud: 'https://other.test' })
    await sign('unknownKid', { scope: 'pets:read' }, { kid: 'no-such-key' })
    await sign('embeddedKey', { scope: 'pets:read' }, { header: { jku: 'https://evil.test/jwks' } })
    await sign('wrongTyp', { scope: 'pets:read' }, { typ: 'JWT+evil' })
    const valid = tokens.read!
    tokens.badSignature = secret(`${valid.slice(0, valid.lastIndexOf('.') + 1)}${random()}`)
    tokens.noneAlg = secret(
      `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${valid.split('.')[1]}.`,
    )
    opaqueTokens.active = secret(issuer.issueOpaque({ sub: 'bob', scope: 'pets:read' }))
    opaqueTokens.revoked = secret(issuer.issueOpaque({ sub: 'bob', scope: 'pets:read' }))
    issuer.revoke(opaqueTokens.revoked)
    opaqueTokens.unknown = secret(random())
    secret(DEFAULT_TEST_CLIENT.client_secret)
    wrongSecret = secret(random())
    basicCredentials = secret(
      Buffer.from(`${DEFAULT_TEST_CLIENT.client_id}:${DEFAULT_TEST_CLIENT.client_secret}`).toString(
        'base64',
      ),
    )
    code = secret(random())
    verifier_ = secret(random())
    session = secret(random())

    const redaction = createPinoRedaction()
    const logger = pino(
      { ...redaction, level: 'trace' },
      { write: (line: string) => void corpus.logLines.push(line) },
    )
    verifier = createJwtVerifier({ issuer: issuer.issuer, audience: AUDIENCE })
    for (const cache of verifier.jwks.values()) {
      cache.on('error', ({ error }) => logger.warn({ err: error }, 'jwks fetch failed'))
    }
    const introspectorOptions = {
      issuer: issuer.issuer,
      audience: AUDIENCE,
      introspectionEndpoint: running.introspectionEndpoint,
    }
    introspector = createIntrospector({
      ...introspectorOptions,
      clientAuth: {
        method: 'client_secret_basic',
        clientId: DEFAULT_TEST_CLIENT.client_id,
        clientSecret: DEFAULT_TEST_CLIENT.client_secret,
      },
    })
    wrongIntrospector = createIntrospector({
      ...introspectorOptions,
      clientAuth: {
        method: 'client_secret_post',
        clientId: 'test-client',
        clientSecret: wrongSecret,
      },
    })
    for (const events of [introspector, wrongIntrospector]) {
      events.on('error', ({ error }) => logger.warn({ err: error }, 'introspection failed'))
    }
    const echoAuth: Middleware = (req, res) => {
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify({ auth: (req as typeof req & { auth?: unknown }).auth ?? null }))
    }

    const outer = express()
    outer.use(requestLogger({ logger, headers: ['authorization', 'cookie', 'user-agent'] }))
    outer.use(pinoHttp({ logger, serializers: redaction.serializers }))
    const control = pino({}, { write: (line: string) => void corpus.controlLines.push(line) })
    outer.use(pinoHttp({ logger: control }))
    outer.use(express.urlencoded({ extended: false, limit: 4096 }))
    outer.use(
      '/hybrid',
      hybridBearer({ jwt: verifier, introspection: introspector, allowQueryToken: true }),
      echoAuth,
    )
    outer.use(
      '/introspection-down',
      hybridBearer({ jwt: verifier, introspection: wrongIntrospector }),
      echoAuth,
    )
    outer.use(
      createPetstoreApp({
        jwt: { verifier, allowQueryToken: true, allowBodyToken: true },
        logError: (error) => logger.error({ err: error }, 'unhandled error'),
      }),
    )
    app = outer

    const requests: request.Test[] = []
    const all = { ...tokens, ...opaqueTokens }
    for (const token of Object.values(all)) {
      const agent = request(app)
      requests.push(
        agent.get('/api/pets').set('Authorization', `Bearer ${token}`),
        agent.get(`/api/pets?access_token=${token}&page=2`),
        agent.post('/api/pets').type('form').send(`access_token=${token}&name=Rex`),
        agent.post('/api/pets').set('Authorization', `Bearer ${token}`).send({ name: 'Biscuit' }),
        agent.post('/api/adoptions').set('Authorization', `Bearer ${token}`).send({ petId: 1 }),
        agent.get('/hybrid/pets').set('Authorization', `Bearer ${token}`),
        agent.get(`/hybrid/pets?access_token=${token}`),
        agent.get('/introspection-down').set('Authorization', `Bearer ${token}`),
        agent.get(`/nowhere?access_token=${token}#fragment`),
        agent.get('/api/pets').set('Authorization', `DPoP ${token}`),
        agent.get('/api/pets').set('Cookie', `session=${token}; theme=dark`),
      )
    }
    // A JWT is caught anywhere, a path segment included. An opaque token alone in a path
    // looks like any id and is not (see the README of @tokenguard/redact).
    for (const token of Object.values(tokens)) requests.push(request(app).get(`/api/pets/${token}`))
    const agent = request(app)
    requests.push(
      agent
        .get(`/api/pets?access_token=${tokens.read}`)
        .set('Authorization', `Bearer ${tokens.read}`),
      agent
        .get(`/api/pets?code=${code}&code_verifier=${verifier_}&state=xyz`)
        .set('Authorization', `Bearer ${tokens.read}`),
      agent.get(`/callback?code=${code}&code_verifier=${verifier_}`),
      agent.get('/api/pets').set('Authorization', `Basic ${basicCredentials}`),
      agent.get('/api/pets').set('Authorization', `Bearer ${tokens.read} ${tokens.write}`),
      agent.get('/api/pets').set('Cookie', `session=${session}`),
      agent
        .post('/api/pets')
        .set('Authorization', `Bearer ${tokens.write}`)
        .set('Content-Type', 'application/json')
        .send(`{"name":"${session}"`),
      agent
        .post('/api/pets')
        .set('Authorization', `Bearer ${tokens.write}`)
        .send({ name: 'Rex', client_secret: DEFAULT_TEST_CLIENT.client_secret }),
    )
    for (const response of await Promise.all(requests)) {
      corpus.statuses.push(response.status)
      corpus.responses.push(`${JSON.stringify(response.headers)}\n${response.text}`)
    }

    // The error texts of the layers themselves, before any logger redacts them.
    const both = (token: string) => ({
      method: 'GET',
      url: `/x?access_token=${token}`,
      headers: { authorization: `Bearer ${token}` },
    })
    for (const token of Object.values(all)) {
      corpus.errorTexts.push(
        ...(await raised(() => verifier.verify(token))),
        ...(await raised(() => introspector.introspect(token))),
        ...(await raised(() => wrongIntrospector.introspect(token))),
        ...(await raised(() => extractBearerToken(both(token), { allowQueryToken: true }))),
        ...(await raised(() => extractBearerToken(both(token), { maxTokenBytes: 8 }))),
      )
    }
    running.setFault('jwks', { status: 500 })
    const outage = createJwtVerifier({ issuer: issuer.issuer, audience: AUDIENCE })
    corpus.errorTexts.push(...(await raised(() => outage.verify(tokens.read!))))
    running.setFault('jwks', undefined)
  })

  afterAll(async () => {
    for (const spy of consoleSpies) spy.mockRestore()
    await running.close()
  })

  it('ran the PetStore through every kind of token, status and log line', () => {
    expect(new Set(corpus.statuses)).toEqual(new Set([200, 201, 400, 401, 403, 404, 415, 503]))
    // One line from requestLogger and one from pino-http per request, and the event lines.
    expect(corpus.logLines.length).toBeGreaterThanOrEqual(2 * corpus.statuses.length)
    const text = corpus.logLines.join('')
    expect(text).toContain('"query":"access_token=[REDACTED]&page=2"')
    expect(text).toContain('"authorization":"Bearer [REDACTED]"')
    expect(text).toContain('"cookie":"session=[REDACTED]; theme=[REDACTED]"')
    expect(text).toContain('code=[REDACTED]&code_verifier=[REDACTED]')
    expect(text).toContain('"auth":{"subject":"alice"')
    expect(corpus.errorTexts.length).toBeGreaterThan(40)
  })

  it('finds the secrets in the lines of a pino-http without redaction', () => {
    expect(leaksIn(corpus.controlLines).length).toBeGreaterThan(100)
  })

  it('writes no minted token, secret, code or verifier to any log line', () => {
    expect(leaksIn(corpus.logLines)).toEqual([])
  })

  it('sends none of them back in a response, headers included', () => {
    expect(leaksIn(corpus.responses)).toEqual([])
  })

  it('puts none of them in the errors the verifier, the introspector and token extraction raise', () => {
    expect(leaksIn(corpus.errorTexts)).toEqual([])
  })

  it('never prints to the console', () => {
    expect(corpus.consoleCalls).toEqual([])
  })
})
