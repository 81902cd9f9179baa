import { createServer, request as httpRequest, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import {
  OAuthError,
  extractBearerToken,
  oauthErrorHandler,
  type TokenExtractionOptions,
  type TokenRequest,
} from '@tokenguard/core'

const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln-_~+/=='
const FORM = 'application/x-www-form-urlencoded'

function req(init: Partial<TokenRequest> & { authorization?: string } = {}): TokenRequest {
  const { authorization, headers = {}, ...rest } = init
  return {
    method: 'GET',
    url: '/pets',
    ...rest,
    headers: authorization === undefined ? headers : { ...headers, authorization },
  }
}

function refusal(input: TokenRequest, options?: TokenExtractionOptions): OAuthError {
  try {
    extractBearerToken(input, options)
  } catch (err) {
    if (err instanceof OAuthError) return err
    throw err
  }
  throw new Error('expected extractBearerToken to throw')
}

describe('extractBearerToken', () => {
  describe('from the Authorization header', () => {
    it('returns the token of a Bearer header', () => {
      expect(extractBearerToken(req({ authorization: `Bearer ${TOKEN}` }))).toEqual({
        token: TOKEN,
        method: 'header',
        scheme: 'bearer',
      })
    })

    it('accepts the scheme in any case', () => {
      for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
        expect(extractBearerToken(req({ authorization: `${scheme} ${TOKEN}` }))?.token).toBe(TOKEN)
      }
    })

    it('accepts one or more spaces after the scheme', () => {
      expect(extractBearerToken(req({ authorization: `Bearer     ${TOKEN}` }))?.token).toBe(TOKEN)
    })

    it('returns undefined when there is no Authorization header', () => {
      expect(extractBearerToken(req())).toBeUndefined()
      expect(extractBearerToken(req({ authorization: '' }))).toBeUndefined()
    })

    it('returns undefined for another scheme such as Basic', () => {
      expect(extractBearerToken(req({ authorization: 'Basic dXNlcjpwYXNz' }))).toBeUndefined()
      expect(extractBearerToken(req({ authorization: `DPoP ${TOKEN}` }))).toBeUndefined()
    })

    it('answers 400 invalid_request when Bearer comes without a token', () => {
      for (const authorization of ['Bearer', 'Bearer ', 'bearer    ']) {
        expect(refusal(req({ authorization }))).toMatchObject({
          status: 400,
          code: 'invalid_request',
          reason: 'malformed_header',
        })
      }
    })

    it('answers 401 invalid_token malformed_token when the token is base64 with = inside', () => {
      for (const token of ['a=b', '=abc', 'ab==.cd==.ef', 'a+b/c=.d.e']) {
        expect(refusal(req({ authorization: `Bearer ${token}` })), token).toMatchObject({
          status: 401,
          code: 'invalid_token',
          reason: 'malformed_token',
        })
      }
    })

    it('answers 400 invalid_request malformed_token when the token has characters outside b64token', () => {
      for (const token of ['a b', 'a,b', 'a"b', 'abc\u00e9', 'abc ']) {
        expect(refusal(req({ authorization: `Bearer ${token}` }))).toMatchObject({
          status: 400,
          code: 'invalid_request',
          reason: 'malformed_token',
        })
      }
    })

    it('answers 400 invalid_request malformed_header when the header is not credentials at all', () => {
      expect(refusal(req({ authorization: 'Bearer\tabc' }))).toMatchObject({
        status: 400,
        reason: 'malformed_header',
      })
    })

    it('answers 400 invalid_request multiple_tokens when two Authorization headers were sent', () => {
      const input = req({
        authorization: `Bearer ${TOKEN}`,
        rawHeaders: [
          'Host',
          'api',
          'Authorization',
          `Bearer ${TOKEN}`,
          'authorization',
          'Bearer x',
        ],
      })
      expect(refusal(input)).toMatchObject({
        status: 400,
        code: 'invalid_request',
        reason: 'multiple_tokens',
      })
    })

    it('accepts a single Authorization header listed in rawHeaders', () => {
      const input = req({
        authorization: `Bearer ${TOKEN}`,
        rawHeaders: ['Host', 'api', 'Authorization', `Bearer ${TOKEN}`],
      })
      expect(extractBearerToken(input)?.token).toBe(TOKEN)
    })

    it('answers 401 invalid_token token_too_large when the token is longer than maxTokenBytes', () => {
      const err = refusal(req({ authorization: `Bearer ${'a'.repeat(101)}` }), {
        maxTokenBytes: 100,
      })
      expect(err).toMatchObject({ status: 401, code: 'invalid_token', reason: 'token_too_large' })
      expect(
        extractBearerToken(req({ authorization: `Bearer ${'a'.repeat(100)}` }), {
          maxTokenBytes: 100,
        })?.token,
      ).toHaveLength(100)
    })

    it('answers 401 token_too_large for a token over the 16 KiB default', () => {
      expect(refusal(req({ authorization: `Bearer ${'a'.repeat(16_385)}` }))).toMatchObject({
        status: 401,
        reason: 'token_too_large',
      })
    })

    it('answers 400 invalid_request header_too_large when the whole header is far too long', () => {
      const err = refusal(req({ authorization: `Bearer ${'a'.repeat(1_000)}` }), {
        maxTokenBytes: 100,
      })
      expect(err).toMatchObject({
        status: 400,
        code: 'invalid_request',
        reason: 'header_too_large',
      })
    })

    it('never puts the token in the error description or challenge', () => {
      const err = refusal(req({ authorization: 'Bearer secret"token' }))
      expect(err.message).not.toContain('secret')
      expect(JSON.stringify(err.headers)).not.toContain('secret')
    })
  })

  describe('from the query string', () => {
    it('ignores access_token in the query unless allowQueryToken is set', () => {
      expect(extractBearerToken(req({ url: `/pets?access_token=${TOKEN}` }))).toBeUndefined()
    })

    it('returns the query token when allowQueryToken is set', () => {
      const input = req({ url: `/pets?x=1&access_token=${encodeURIComponent(TOKEN)}` })
      expect(extractBearerToken(input, { allowQueryToken: true })).toEqual({
        token: TOKEN,
        method: 'query',
        scheme: 'bearer',
      })
    })

    it('finds a percent-encoded access_token name', () => {
      const input = req({ url: '/pets?access%5Ftoken=abc' })
      expect(extractBearerToken(input, { allowQueryToken: true })?.token).toBe('abc')
    })

    it('answers 400 invalid_request multiple_tokens when access_token is repeated', () => {
      const input = req({ url: '/pets?access_token=a&access_token=b' })
      expect(refusal(input, { allowQueryToken: true })).toMatchObject({
        status: 400,
        code: 'invalid_request',
        reason: 'multiple_tokens',
      })
    })

    it('answers 400 invalid_request multiple_methods when the header and the query both carry a token', () => {
      const input = req({ authorization: `Bearer ${TOKEN}`, url: '/pets?access_token=abc' })
      expect(refusal(input, { allowQueryToken: true })).toMatchObject({
        status: 400,
        code: 'invalid_request',
        reason: 'multiple_methods',
      })
    })

    it('answers 400 malformed_token for an empty query token', () => {
      expect(refusal(req({ url: '/pets?access_token=' }), { allowQueryToken: true })).toMatchObject(
        {
          status: 400,
          reason: 'malformed_token',
        },
      )
    })
  })

  describe('from the form body', () => {
    const post = (body: unknown, type = FORM): TokenRequest =>
      req({ method: 'POST', headers: { 'content-type': type }, body })

    it('ignores access_token in the body unless allowBodyToken is set', () => {
      expect(extractBearerToken(post({ access_token: TOKEN }))).toBeUndefined()
    })

    it('returns the body token of a form POST when allowBodyToken is set', () => {
      expect(extractBearerToken(post({ access_token: TOKEN }), { allowBodyToken: true })).toEqual({
        token: TOKEN,
        method: 'body',
        scheme: 'bearer',
      })
      const withCharset = post({ access_token: TOKEN }, `${FORM}; charset=utf-8`)
      expect(extractBearerToken(withCharset, { allowBodyToken: true })?.token).toBe(TOKEN)
    })

    it('ignores a body that is not application/x-www-form-urlencoded', () => {
      for (const type of ['application/json', 'multipart/form-data; boundary=x', `${FORM}x`]) {
        expect(
          extractBearerToken(post({ access_token: TOKEN }, type), { allowBodyToken: true }),
        ).toBeUndefined()
      }
    })

    it('answers 400 invalid_request for a body token sent with GET', () => {
      const input = req({
        method: 'GET',
        headers: { 'content-type': FORM },
        body: { access_token: TOKEN },
      })
      expect(refusal(input, { allowBodyToken: true })).toMatchObject({
        status: 400,
        code: 'invalid_request',
        reason: 'malformed_body',
      })
    })

    it('answers 400 multiple_methods for a header token beside a query or body token even with those methods off', () => {
      const cases: [string, TokenRequest][] = [
        ['query', req({ authorization: `Bearer ${TOKEN}`, url: '/pets?page=1&access_token=abc' })],
        [
          'encoded query name',
          req({ authorization: `Bearer ${TOKEN}`, url: '/pets?access%5Ftoken=abc' }),
        ],
        [
          'form body',
          req({
            method: 'POST',
            authorization: `Bearer ${TOKEN}`,
            headers: { 'content-type': FORM },
            body: { access_token: 'abc' },
          }),
        ],
      ]
      for (const [label, input] of cases) {
        expect(refusal(input), label).toMatchObject({
          status: 400,
          code: 'invalid_request',
          reason: 'multiple_methods',
        })
      }
      // Alone, a query or body token with its method off is still no credentials at all.
      expect(extractBearerToken(req({ url: '/pets?access_token=abc' }))).toBeUndefined()
      // A JSON body field named access_token is not the form method (RFC 6750 §2.2).
      const json = req({
        method: 'POST',
        authorization: `Bearer ${TOKEN}`,
        headers: { 'content-type': 'application/json' },
        body: { access_token: 'x' },
      })
      expect(extractBearerToken(json)?.method).toBe('header')
    })

    it('answers 400 invalid_request multiple_methods when the header and the body both carry a token', () => {
      const input = req({
        method: 'POST',
        authorization: `Bearer ${TOKEN}`,
        headers: { 'content-type': FORM },
        body: { access_token: 'abc' },
      })
      expect(refusal(input, { allowBodyToken: true })).toMatchObject({
        status: 400,
        reason: 'multiple_methods',
      })
    })

    it('answers 400 multiple_methods when the body and the query both carry a token', () => {
      const input = { ...post({ access_token: 'abc' }), url: '/pets?access_token=abc' }
      expect(refusal(input, { allowBodyToken: true, allowQueryToken: true })).toMatchObject({
        status: 400,
        reason: 'multiple_methods',
      })
    })

    it('answers 400 multiple_tokens when the body repeats access_token', () => {
      expect(refusal(post({ access_token: ['a', 'b'] }), { allowBodyToken: true })).toMatchObject({
        status: 400,
        reason: 'multiple_tokens',
      })
    })

    it('answers 400 malformed_token when access_token is not a string', () => {
      expect(refusal(post({ access_token: { a: 'b' } }), { allowBodyToken: true })).toMatchObject({
        status: 400,
        reason: 'malformed_token',
      })
    })

    it('does not read access_token inherited through the prototype', () => {
      const body = JSON.parse('{"__proto__": {"access_token": "abc"}}') as unknown
      expect(extractBearerToken(post(body), { allowBodyToken: true })).toBeUndefined()
      expect(
        extractBearerToken(post(Object.create({ access_token: 'abc' })), {
          allowBodyToken: true,
        }),
      ).toBeUndefined()
    })
  })

  describe('on a real request', () => {
    const app = express()
    app.use(express.urlencoded({ extended: false }))
    app.use((req, res, next) => {
      try {
        const found = extractBearerToken(req, { allowBodyToken: true, allowQueryToken: true })
        res.json(found ?? null)
      } catch (err) {
        next(err)
      }
    })
    app.use(oauthErrorHandler())

    it('answers 400 multiple_tokens when the client sends two Authorization headers', async () => {
      const response = await sendTwoAuthorizationHeaders(app, [`Bearer ${TOKEN}`, 'Bearer other'])
      expect(response.status).toBe(400)
      expect(JSON.parse(response.body)).toEqual({
        error: 'invalid_request',
        error_description: 'More than one Authorization header was sent',
      })
    })

    it('reads a form body token of a POST', async () => {
      const response = await request(app).post('/pets').type('form').send({ access_token: TOKEN })
      expect(response.body).toEqual({ token: TOKEN, method: 'body', scheme: 'bearer' })
    })

    it('answers 400 multiple_methods for a header and a form body token', async () => {
      const response = await request(app)
        .post('/pets')
        .set('Authorization', `Bearer ${TOKEN}`)
        .type('form')
        .send({ access_token: TOKEN })
      expect(response.status).toBe(400)
      expect(response.headers['www-authenticate']).toBe(
        'Bearer error="invalid_request", error_description="The access token was sent by more than one method"',
      )
    })
  })
})

// supertest types one value per header; node:http sends an array as repeated header lines.
async function sendTwoAuthorizationHeaders(
  app: RequestListener,
  values: string[],
): Promise<{ status: number; body: string }> {
  const server = createServer(app).listen(0)
  await new Promise((resolve) => server.once('listening', resolve))
  try {
    const { port } = server.address() as AddressInfo
    return await new Promise((resolve, reject) => {
      const outgoing = httpRequest({ port, path: '/pets' }, (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (body += chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
      })
      outgoing.setHeader('Authorization', values)
      outgoing.on('error', reject)
      outgoing.end()
    })
  } finally {
    server.close()
  }
}
