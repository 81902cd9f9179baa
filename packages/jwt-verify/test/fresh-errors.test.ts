import type { IncomingMessage, ServerResponse } from 'node:http'
import { OAuthError, oauthErrorHandler, type ErrorMiddleware } from '@tokenguard/core'
import { createTestIssuer, type RunningIssuer, type TestIssuer } from '@tokenguard/test-tokens'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { echoAuth, frameworks, serve } from '@tokenguard/test-support/serve'
import { jwtBearer, type JwtBearerOptions } from '../src/index.js'

// Every refusal is a fresh OAuthError that an error handler may annotate (a request id, a
// log field), and what one request's handler wrote never shows up on the next request's
// error. And the middleware calls next exactly once, never inside a try.

let issuer: TestIssuer
let running: RunningIssuer

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'], audience: 'https://api.test' })
  running = await issuer.listen()
})

afterAll(async () => {
  await running.close()
})

const options = (extra: Partial<JwtBearerOptions> = {}): JwtBearerOptions => ({
  issuer: issuer.issuer,
  audience: issuer.audience,
  ...extra,
})

type Annotated = OAuthError & { requestId?: string }

describe.each(frameworks)('jwtBearer refusals under $name', (framework) => {
  it.each([
    ['with a realm', { realm: 'api' }],
    ['without a realm', {}],
  ])(
    'gives every request a fresh error an error handler may annotate, %s',
    async (_name, extra) => {
      const seen: (string | undefined)[] = []
      let count = 0
      const annotate: ErrorMiddleware = (err, _req, res, next) => {
        if (err instanceof OAuthError) {
          const error = err as Annotated
          seen.push(error.requestId)
          error.requestId = `req-${++count}`
          res.setHeader('x-request-id', error.requestId)
        }
        next(err)
      }
      const app = await serve(
        framework.app([jwtBearer(options(extra)), echoAuth], [annotate, oauthErrorHandler()]),
      )
      onTestFinished(() => app.close())
      const valid = await issuer.sign({ scope: 'pets:read' })
      const badSignature = `${valid.slice(0, valid.lastIndexOf('.') + 1)}${'A'.repeat(86)}`
      const cases = ['', 'Bearer garbage.garbage.garbage', `Bearer ${badSignature}`, 'Bearer ???']
      for (const authorization of [...cases, ...cases]) {
        const req = request(app.url).get('/pets')
        const res = await (authorization === '' ? req : req.set('Authorization', authorization))
        expect([400, 401], authorization.slice(0, 20)).toContain(res.status)
        expect(res.headers['x-request-id']).toBe(`req-${count}`)
      }
      // No handler ever saw the annotation of an earlier request.
      expect(seen).toEqual(new Array(8).fill(undefined))
    },
  )
})

describe('jwtBearer and next', () => {
  it('calls a next that throws exactly once and lets its error through', async () => {
    let calls = 0
    const middleware = jwtBearer(options({ credentialsRequired: false }))
    const app = await serve((req: IncomingMessage, res: ServerResponse) => {
      try {
        middleware(req, res, () => {
          calls++
          throw new Error('downstream broke')
        })
        res.end('no error')
      } catch (error) {
        res.statusCode = 500
        res.end((error as Error).message)
      }
    })
    onTestFinished(() => app.close())
    const res = await request(app.url).get('/pets')
    expect({ status: res.status, text: res.text, calls }).toEqual({
      status: 500,
      text: 'downstream broke',
      calls: 1,
    })
  })
})
