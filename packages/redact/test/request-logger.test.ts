import { request as httpRequest } from 'node:http'
import type { IncomingMessage } from 'node:http'
import request from 'supertest'
import { describe, expect, it, vi, onTestFinished } from 'vitest'
import { createAuthContext, OAuthError, type Middleware } from '@tokenguard/core'
import {
  createRedactor,
  requestLogger,
  type LoggerLike,
  type RequestLogEntry,
} from '@tokenguard/redact'
import { frameworks, serve } from '@tokenguard/test-support/serve'
import { jwtShaped, opaque } from './support/secrets.js'

type Level = 'info' | 'warn' | 'error'

/** A logger that keeps what it is given. */
function memoryLogger(): LoggerLike & { lines: { level: Level; entry: RequestLogEntry }[] } {
  const lines: { level: Level; entry: RequestLogEntry }[] = []
  return {
    lines,
    info: (entry) => lines.push({ level: 'info', entry }),
    warn: (entry) => lines.push({ level: 'warn', entry }),
    error: (entry) => lines.push({ level: 'error', entry }),
  }
}

const ok: Middleware = (_req, res) => {
  res.setHeader('Content-Type', 'application/json')
  res.end('{"ok":true}')
}

function setAuth(token: string): Middleware {
  return (req, _res, next) => {
    ;(req as IncomingMessage & { auth?: unknown }).auth = createAuthContext(
      {
        claims: { sub: 'alice', client_id: 'petstore-web', scope: 'pets:read pets:write' },
        issuer: 'https://issuer.test',
        source: 'jwt',
      },
      token,
    )
    next()
  }
}

async function oneLine(logger: ReturnType<typeof memoryLogger>) {
  await vi.waitFor(() => expect(logger.lines).toHaveLength(1))
  return logger.lines[0]!
}

describe.each(frameworks)('requestLogger on $name', (framework) => {
  it('logs one line with method, path, redacted query, status, duration and request id', async () => {
    const logger = memoryLogger()
    const token = jwtShaped()
    const app = framework.app([requestLogger({ logger }), ok])
    const response = await request(app)
      .get(`/api/pets?access_token=${token}&page=2`)
      .set('Authorization', `Bearer ${token}`)
      .set('Cookie', `sid=${opaque()}`)
    const { level, entry } = await oneLine(logger)
    expect(level).toBe('info')
    expect(entry).toMatchObject({
      method: 'GET',
      path: '/api/pets',
      query: 'access_token=[REDACTED]&page=2',
      status: 200,
      msg: 'GET /api/pets 200',
    })
    expect(entry.requestId).toBe(response.headers['x-request-id'])
    expect(entry.requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(entry.durationMs).toBeGreaterThanOrEqual(0)
    expect(entry).not.toHaveProperty('headers')
    expect(JSON.stringify(entry)).not.toContain(token)
  })

  it('logs the subject, client id and scopes of req.auth, never its token', async () => {
    const logger = memoryLogger()
    const token = jwtShaped()
    await request(framework.app([requestLogger({ logger }), setAuth(token), ok])).get('/api/pets')
    const { entry } = await oneLine(logger)
    expect(entry.auth).toEqual({
      subject: 'alice',
      clientId: 'petstore-web',
      scopes: ['pets:read', 'pets:write'],
    })
    expect(JSON.stringify(entry)).not.toContain(token)
  })

  it('logs a refusal at warn with the OAuth error code of the challenge', async () => {
    const logger = memoryLogger()
    const refuse: Middleware = (_req, _res, next) =>
      next(OAuthError.invalidToken('token_expired', 'The access token expired'))
    const response = await request(framework.app([requestLogger({ logger }), refuse])).get('/x')
    expect(response.status).toBe(401)
    const { level, entry } = await oneLine(logger)
    expect(level).toBe('warn')
    expect(entry).toMatchObject({ status: 401, error: 'invalid_token' })
  })

  it('logs a server error at error', async () => {
    const logger = memoryLogger()
    const fail: Middleware = (_req, _res, next) => next(new Error('boom'))
    await request(framework.app([requestLogger({ logger }), fail])).get('/x')
    const { level, entry } = await oneLine(logger)
    expect(level).toBe('error')
    expect(entry.status).toBe(500)
  })
})

describe('requestLogger', () => {
  const app = (options: Partial<Parameters<typeof requestLogger>[0]>, ...rest: Middleware[]) => {
    const logger = memoryLogger()
    const listener = frameworks[0]!.app([requestLogger({ logger, ...options }), ...rest, ok])
    return { logger, listener }
  }

  it('keeps a short, safe x-request-id and echoes it on the response', async () => {
    const { logger, listener } = app({})
    const response = await request(listener).get('/').set('X-Request-Id', 'req-42.a:b')
    expect(response.headers['x-request-id']).toBe('req-42.a:b')
    expect((await oneLine(logger)).entry.requestId).toBe('req-42.a:b')
  })

  it.each([
    ['too long', 'x'.repeat(65)],
    ['unsafe', 'a b<script>'],
    ['a credential', jwtShaped()],
  ])('replaces a request id that is %s with a fresh one', async (_why, sent) => {
    const { logger, listener } = app({ generateRequestId: () => 'fresh-id' })
    const response = await request(listener).get('/').set('X-Request-Id', sent)
    expect(response.headers['x-request-id']).toBe('fresh-id')
    expect((await oneLine(logger)).entry.requestId).toBe('fresh-id')
  })

  it('sets req.id for the handlers, and keeps an id an earlier middleware set', async () => {
    let seen: unknown
    const look: Middleware = (req, _res, next) => {
      seen = (req as IncomingMessage & { id?: unknown }).id
      next()
    }
    const { logger, listener } = app({ generateRequestId: () => 'generated' }, look)
    await request(listener).get('/')
    expect(seen).toBe('generated')
    expect((await oneLine(logger)).entry.requestId).toBe('generated')

    const early: Middleware = (req, _res, next) => {
      ;(req as IncomingMessage & { id?: unknown }).id = 'from-earlier'
      next()
    }
    const second = memoryLogger()
    const listener2 = frameworks[0]!.app([early, requestLogger({ logger: second }), ok])
    await request(listener2).get('/')
    expect((await oneLine(second)).entry.requestId).toBe('from-earlier')
  })

  it('does not echo the request id with echoRequestId: false, and reads another header', async () => {
    const { logger, listener } = app({ echoRequestId: false, requestIdHeader: 'X-Correlation-Id' })
    const response = await request(listener).get('/').set('X-Correlation-Id', 'corr-1')
    expect(response.headers['x-correlation-id']).toBeUndefined()
    expect((await oneLine(logger)).entry.requestId).toBe('corr-1')
  })

  it('logs the headers it is given by name, redacted', async () => {
    const { logger, listener } = app({ headers: ['User-Agent', 'Authorization', 'X-Missing'] })
    const token = opaque()
    await request(listener)
      .get('/')
      .set('User-Agent', 'ua/1')
      .set('Authorization', `Bearer ${token}`)
    expect((await oneLine(logger)).entry.headers).toEqual({
      'user-agent': 'ua/1',
      authorization: 'Bearer [REDACTED]',
    })
  })

  it('redacts a token in the path', async () => {
    const { logger, listener } = app({})
    const token = jwtShaped()
    await request(listener).get(`/reset/${token}`)
    expect((await oneLine(logger)).entry.path).toBe('/reset/[REDACTED]')
  })

  it('uses the given redactor, such as one with fingerprints', async () => {
    const redactor = createRedactor({ fingerprint: true })
    const { logger, listener } = app({ redactor })
    await request(listener).get(`/x?code=${opaque()}`)
    expect((await oneLine(logger)).entry.query).toMatch(/^code=\[REDACTED:[\w-]{8}\]$/)
  })

  it('puts the message under messageKey, for winston', async () => {
    const { logger, listener } = app({ messageKey: 'message' })
    await request(listener).post('/pets')
    const { entry } = await oneLine(logger)
    expect(entry.message).toBe('POST /pets 200')
    expect(entry).not.toHaveProperty('msg')
  })

  it('measures the duration on the injected clock', async () => {
    let now = 1_000
    const slow: Middleware = (_req, _res, next) => {
      now += 12.3456
      next()
    }
    const { logger, listener } = app({ now: () => now }, slow)
    await request(listener).get('/')
    expect((await oneLine(logger)).entry.durationMs).toBe(12.35)
  })

  it('logs a request whose client went away once, at warn, as aborted', async () => {
    const logger = memoryLogger()
    let arrived: () => void = () => {}
    const reached = new Promise<void>((resolve) => (arrived = resolve))
    const hang: Middleware = () => arrived()
    const server = await serve(frameworks[0]!.app([requestLogger({ logger }), hang]))
    onTestFinished(() => server.close())
    const client = httpRequest(`${server.url}/slow`)
    client.on('error', () => {})
    client.end()
    await reached
    client.destroy()
    await vi.waitFor(() => expect(logger.lines).toHaveLength(1))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(logger.lines).toHaveLength(1)
    expect(logger.lines[0]).toMatchObject({
      level: 'warn',
      entry: { aborted: true, path: '/slow' },
    })
  })

  it('answers the request even when the logger throws', async () => {
    const broken: LoggerLike = {
      info: () => {
        throw new Error('disk full')
      },
      warn: () => {},
      error: () => {},
    }
    const listener = frameworks[0]!.app([requestLogger({ logger: broken }), ok])
    const response = await request(listener).get('/')
    expect(response.status).toBe(200)
  })

  it('takes console as a logger', () => {
    expect(() => requestLogger({ logger: console })).not.toThrow()
  })

  it('returns a function named requestLoggerMiddleware', () => {
    const middleware = requestLogger({ logger: memoryLogger() })
    expect(middleware.name).toBe('requestLoggerMiddleware')
    expect(middleware).toHaveLength(3)
  })

  it.each([
    [{}, 'logger must have info, warn and error methods, e.g. { logger: pino() }'],
    [
      { logger: { info() {} } },
      'logger must have info, warn and error methods, e.g. { logger: pino() }',
    ],
    [{ logger: console, headers: 'user-agent' }, 'headers must be an array of header names'],
    [
      { logger: console, requestIdHeader: 'x id' },
      "requestIdHeader must be a header name, e.g. 'x-request-id'",
    ],
    [{ logger: console, messageKey: '' }, "messageKey must be a non-empty string, e.g. 'msg'"],
    [{ logger: console, now: 5 }, 'now must be a function'],
    [{ logger: console, echoRequestId: 'yes' }, 'echoRequestId must be true or false'],
    [{ logger: console, redactor: {} }, 'redactor must come from createRedactor()'],
    [{ logger: console, loger: console }, 'unknown option "loger". Did you mean "logger"?'],
  ])('throws a TypeError at start-up for %j', (options, message) => {
    expect(() => requestLogger(options as never)).toThrow(
      new TypeError(`@tokenguard/redact: ${message}`),
    )
  })
})
