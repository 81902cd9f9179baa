import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import express from 'express'
import { pino, type Logger } from 'pino'
import { pinoHttp } from 'pino-http'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import {
  createPinoHooks,
  createPinoRedaction,
  createPinoSerializers,
  PINO_REDACT_PATHS,
} from '@tokenguard/redact'
import { jwtShaped, leaks, opaque } from './support/secrets.js'

/** A pino destination that keeps every line in memory. */
function buffer(): { write(line: string): void; lines: string[]; text(): string } {
  const lines: string[] = []
  return { lines, write: (line) => void lines.push(line), text: () => lines.join('') }
}

function parsed(lines: readonly string[]): Record<string, unknown>[] {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>)
}

describe('createPinoRedaction', () => {
  it('keeps tokens out of pino-http lines: URL, query, headers, cookies', async () => {
    const out = buffer()
    const redaction = createPinoRedaction()
    const logger = pino({ ...redaction }, out)
    const app = express()
    app.use(pinoHttp({ logger, serializers: redaction.serializers }))
    app.get('/api/pets', (_req, res) => {
      res.setHeader('Set-Cookie', `sid=${session}; Path=/; HttpOnly`)
      res.json({ ok: true })
    })
    const token = jwtShaped()
    const session = opaque()
    await request(app)
      .get(`/api/pets?access_token=${token}&page=2`)
      .set('Authorization', `Bearer ${token}`)
      .set('Cookie', `sid=${session}`)
    expect(out.lines).toHaveLength(1)
    expect(leaks(out.text(), [token, session])).toEqual([])
    const [line] = parsed(out.lines) as [
      { req: Record<string, unknown>; res: Record<string, unknown> },
    ]
    expect(line.req).toMatchObject({
      method: 'GET',
      url: '/api/pets?access_token=[REDACTED]&page=2',
      query: { access_token: '[REDACTED]', page: '2' },
      headers: { authorization: 'Bearer [REDACTED]', cookie: 'sid=[REDACTED]' },
    })
    expect(line.res).toMatchObject({
      statusCode: 200,
      headers: { 'set-cookie': 'sid=[REDACTED]; Path=/; HttpOnly' },
    })
  })

  it('redacts an error a route logs: message, stack, fields and cause', async () => {
    const out = buffer()
    const redaction = createPinoRedaction()
    const app = express()
    app.use(pinoHttp({ logger: pino({ ...redaction }, out), serializers: redaction.serializers }))
    const token = jwtShaped()
    app.get('/', (req, res) => {
      const cause = new Error(`introspection said {"active":true,"access_token":"${token}"}`)
      const error = Object.assign(new Error(`refused Bearer ${token}`, { cause }), {
        request: { headers: { authorization: `Bearer ${token}` } },
      })
      req.log.error({ err: error }, 'upstream failed')
      res.status(502).end()
    })
    await request(app).get('/')
    expect(leaks(out.text(), [token])).toEqual([])
    const [logged] = parsed(out.lines) as [{ err: Record<string, unknown>; msg: string }]
    expect(logged.msg).toBe('upstream failed')
    // pino-http runs pino's standard serializer first, which folds the causes into the
    // message and the stack.
    expect(logged.err).toMatchObject({
      type: 'Error',
      message:
        'refused Bearer [REDACTED]: introspection said {"active":true,"access_token":"[REDACTED]"}',
      request: { headers: { authorization: 'Bearer [REDACTED]' } },
    })
    expect(logged.err.stack).toMatch(/^Error: refused Bearer \[REDACTED\]\n/)
    expect(logged.err.stack).toContain('caused by: Error: introspection said')
  })

  it('takes the message of a logged error from the redacted error', () => {
    const out = buffer()
    const logger = pino({ ...createPinoRedaction() }, out)
    const token = opaque()
    logger.error(new Error(`token=${token} was refused`))
    logger.error({ err: new Error(`token=${token} was refused`) })
    expect(leaks(out.text(), [token])).toEqual([])
    expect(parsed(out.lines).map((line) => line.msg)).toEqual([
      'token=[REDACTED] was refused',
      'token=[REDACTED] was refused',
    ])
  })

  it('scrubs free-text messages and their interpolation values', () => {
    const out = buffer()
    const logger = pino({ ...createPinoRedaction() }, out)
    const token = jwtShaped()
    logger.info(`retrying with Bearer ${token}`)
    logger.warn('calling %s with %o', `https://api.example/x?access_token=${token}`, {
      password: 'hunter2',
    })
    expect(leaks(out.text(), [token, 'hunter2'])).toEqual([])
    expect(parsed(out.lines).map((line) => line.msg)).toEqual([
      'retrying with Bearer [REDACTED]',
      'calling https://api.example/x?access_token=[REDACTED] with {"password":"[REDACTED]"}',
    ])
  })

  it('redacts the merge object by key and by value at any depth', () => {
    const out = buffer()
    const logger = pino({ ...createPinoRedaction() }, out)
    const secret = opaque()
    logger.info({ client: { client_secret: secret, id: 'web' }, upstream: `Basic ${secret}` }, 'ok')
    expect(parsed(out.lines)[0]).toMatchObject({
      client: { client_secret: '[REDACTED]', id: 'web' },
      upstream: 'Basic [REDACTED]',
    })
  })

  it('redacts the bindings of child loggers', () => {
    const out = buffer()
    const logger = pino({ ...createPinoRedaction() }, out)
    const token = opaque()
    logger.child({ session: { refresh_token: token }, url: `/cb?code=${token}` }).info('hello')
    expect(leaks(out.text(), [token])).toEqual([])
    expect(parsed(out.lines)[0]).toMatchObject({
      session: { refresh_token: '[REDACTED]' },
      url: '/cb?code=[REDACTED]',
    })
  })

  it('leaves a value with its own serializer to it, and still scans the line it writes', () => {
    const out = buffer()
    const redaction = createPinoRedaction()
    const token = opaque()
    const logger = pino(
      {
        ...redaction,
        serializers: {
          ...redaction.serializers,
          user: (user: { id: number; token: string }) => ({
            id: user.id,
            note: `token=${user.token}`,
          }),
        },
      },
      out,
    )
    logger.info({ user: { id: 7, token } }, 'signed in')
    expect(leaks(out.text(), [token])).toEqual([])
    expect(parsed(out.lines)[0]).toMatchObject({ user: { id: 7, note: 'token=[REDACTED]' } })
  })
})

describe('createPinoSerializers', () => {
  const serializers = createPinoSerializers()

  it('summarises and redacts a raw request, for pino without pino-http', () => {
    const req = new IncomingMessage(new Socket())
    Object.assign(req, {
      method: 'POST',
      url: '/token?client_secret=abc',
      headers: { 'x-api-key': 'k', host: 'api' },
    })
    const out = buffer()
    pino({ serializers }, out).info({ req }, 'in')
    expect(parsed(out.lines)[0]?.req).toEqual({
      method: 'POST',
      url: '/token?client_secret=[REDACTED]',
      headers: { 'x-api-key': '[REDACTED]', host: 'api' },
    })
  })

  it('summarises and redacts a raw response', () => {
    const res = new ServerResponse(new IncomingMessage(new Socket()))
    res.statusCode = 201
    res.setHeader('Set-Cookie', ['a=1; Secure', 'b=2'])
    expect(serializers.res(res)).toEqual({
      statusCode: 201,
      headers: { 'set-cookie': ['a=[REDACTED]; Secure', 'b=[REDACTED]'] },
    })
  })

  it('writes an error as { type, message, stack, fields, cause }', () => {
    class TokenError extends Error {
      readonly reason = 'token_expired'
    }
    const token = opaque()
    const out = serializers.err(
      new TokenError(`expired Bearer ${token}`, { cause: new RangeError('inner') }),
    )
    expect(out).toMatchObject({
      type: 'TokenError',
      message: 'expired Bearer [REDACTED]',
      reason: 'token_expired',
      cause: { type: 'RangeError', message: 'inner' },
    })
    expect(JSON.stringify(out)).not.toContain(token)
  })

  it('answers anything that is not an error redacted', () => {
    expect(serializers.err({ message: 'Bearer abcdef123' })).toEqual({
      message: 'Bearer [REDACTED]',
    })
    expect(serializers.err('plain')).toBe('plain')
  })
})

describe('createPinoHooks', () => {
  it('is called only for enabled levels, and passes the redacted call on', () => {
    const out = buffer()
    const logger: Logger = pino({ level: 'warn', hooks: createPinoHooks() }, out)
    logger.info('Bearer abcdef123 dropped')
    logger.warn('Bearer abcdef123 kept')
    expect(parsed(out.lines).map((line) => line.msg)).toEqual(['Bearer [REDACTED] kept'])
  })
})

describe('PINO_REDACT_PATHS', () => {
  it('makes pino censor the credential headers, query and body parameters', () => {
    const out = buffer()
    const logger = pino({ redact: { paths: [...PINO_REDACT_PATHS], censor: '[REDACTED]' } }, out)
    const token = opaque()
    logger.info({
      req: {
        headers: { authorization: `Bearer ${token}`, cookie: `sid=${token}` },
        query: { access_token: token },
        body: { client_secret: token, code_verifier: token },
      },
      res: { headers: { 'set-cookie': `sid=${token}` } },
      password: token,
      user: { refresh_token: token },
    })
    expect(leaks(out.text(), [token])).toEqual([])
  })

  it('misses what only the value patterns find, which createPinoRedaction catches', () => {
    const token = opaque()
    const line = (options: object): string => {
      const out = buffer()
      pino(options, out).info({ req: { url: `/pets?access_token=${token}` } }, `Bearer ${token}`)
      return out.text()
    }
    expect(line({ redact: [...PINO_REDACT_PATHS] })).toContain(token)
    expect(line({ ...createPinoRedaction() })).not.toContain(token)
  })
})
