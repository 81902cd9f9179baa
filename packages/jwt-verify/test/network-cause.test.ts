import { createServer } from 'node:net'
import {
  OAuthError,
  oauthErrorHandler,
  type ErrorMiddleware,
  type FetchLike,
} from '@tokenguard/core'
import { createTestIssuer } from '@tokenguard/test-tokens'
import request from 'supertest'
import { describe, expect, it, onTestFinished } from 'vitest'
import { echoAuth, frameworks, serve } from '@tokenguard/test-support/serve'
import { jwtBearer, type JwtBearerOptions } from '../src/index.js'

// When the JWKS cannot be reached, the client gets 503; the operator's log gets why: the
// network error's cause (ECONNREFUSED, ENOTFOUND, a proxy's refusal) is kept under the
// UpstreamError, with anything that looks like a credential taken out of its text.

const ISSUER = 'https://issuer.test'
const AUDIENCE = 'https://api.test'

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** The 503 a request gets, as the error handler saw it. */
async function refusal(options: Partial<JwtBearerOptions>): Promise<OAuthError> {
  const issuer = await createTestIssuer({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['ES256'],
  })
  let seen: OAuthError | undefined
  const keep: ErrorMiddleware = (err, _req, _res, next) => {
    if (err instanceof OAuthError) seen = err
    next(err)
  }
  const middleware = jwtBearer({ issuer: ISSUER, audience: AUDIENCE, ...options })
  const app = await serve(frameworks[0]!.app([middleware, echoAuth], [keep, oauthErrorHandler()]))
  onTestFinished(() => app.close())
  const res = await request(app.url)
    .get('/pets')
    .set('Authorization', `Bearer ${await issuer.sign({ scope: 'pets:read' })}`)
  expect(res.status).toBe(503)
  return seen!
}

const causes = (error: unknown): unknown[] => {
  const chain: unknown[] = []
  for (let current = error; current instanceof Error && chain.length < 6; current = current.cause) {
    chain.push(current)
  }
  return chain
}

describe('the cause of a JWKS that cannot be reached', () => {
  it('keeps the network error (ECONNREFUSED) under the UpstreamError of the 503', async () => {
    const port = await closedPort()
    const error = await refusal({ jwksUri: `http://127.0.0.1:${port}/jwks.json` })
    const chain = causes(error)
    expect(chain[1]).toMatchObject({ name: 'UpstreamError', kind: 'network' })
    expect(chain.slice(2)).toContainEqual(expect.objectContaining({ code: 'ECONNREFUSED' }))
  })

  it('takes credentials out of the text of the cause it keeps', async () => {
    const secret = 'c2VjcmV0LXRva2VuLXZhbHVlLXRoYXQtbXVzdC1ub3QtbGVhaw'
    const fetch: FetchLike = () =>
      Promise.reject(
        new TypeError('fetch failed', {
          cause: new Error(
            `proxy https://user:hunter2@proxy.test/?access_token=${secret} refused Bearer ${secret}`,
          ),
        }),
      )
    const error = await refusal({ jwksUri: 'https://keys.test/jwks.json', fetch })
    const chain = causes(error)
    expect(chain.length).toBeGreaterThanOrEqual(4)
    const text = chain
      .map((cause) => `${(cause as Error).name}: ${(cause as Error).message}`)
      .join('\n')
    expect(text).toContain('proxy https://[redacted]@proxy.test/?[redacted]')
    expect(text).not.toContain(secret)
    expect(text).not.toContain('hunter2')
  })
})
