import type { IncomingMessage, ServerResponse } from 'node:http'
import { OAuthError, type ErrorMiddleware } from '@tokenguard/core'
import { echoAuth, frameworks, serve } from '@tokenguard/test-support/serve'
import { createTestIssuer } from '@tokenguard/test-tokens'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createJwtVerifier, jwtBearer } from '../src/index.js'

describe('every refusal is a fresh OAuthError', () => {
  for (const framework of frameworks) {
    it(`lets an error handler annotate it, and keeps one request's annotations off the next (${framework.name})`, async () => {
      const issuer = await createTestIssuer({ audience: 'https://api.test' })
      const running = await issuer.listen()
      onTestFinished(() => running.close())
      const verifier = createJwtVerifier({ issuer: issuer.issuer, audience: 'https://api.test' })
      const seen: OAuthError[] = []
      const annotate: ErrorMiddleware = (err, req, res, _next) => {
        const error = err as OAuthError & { requestId?: string }
        const before = error.requestId
        error.requestId = String(req.headers['x-request-id'])
        seen.push(error)
        res.statusCode = error.status
        res.setHeader('content-type', 'application/json')
        res.end(
          JSON.stringify({
            before: before ?? null,
            requestId: error.requestId,
            challenge: error.headers['WWW-Authenticate'],
          }),
        )
      }
      const app = await serve(
        framework.app([jwtBearer({ verifier, realm: 'pets' }), echoAuth], [annotate]),
      )
      onTestFinished(() => app.close())
      const answers: { before: string | null; requestId: string; challenge: string }[] = []
      for (const [id, authorization] of [
        ['r1', 'Bearer garbage.garbage.garbage'],
        ['r2', 'Bearer garbage.garbage.garbage'],
        ['r3', undefined],
        ['r4', undefined],
      ] as const) {
        const headers: Record<string, string> = { 'x-request-id': id }
        if (authorization !== undefined) headers.authorization = authorization
        const answer = await fetch(`${app.url}/pets`, { headers })
        answers.push((await answer.json()) as (typeof answers)[number])
      }
      expect(answers.map((answer) => [answer.before, answer.requestId])).toEqual([
        [null, 'r1'],
        [null, 'r2'],
        [null, 'r3'],
        [null, 'r4'],
      ])
      expect(answers.every((answer) => answer.challenge.startsWith('Bearer realm="pets"'))).toBe(
        true,
      )
      expect(new Set(seen).size).toBe(4)
      expect(seen.some((error) => Object.isFrozen(error))).toBe(false)
    })
  }

  it('calls next exactly once, even when next throws', () => {
    const verifier = createJwtVerifier({
      issuer: 'https://issuer.test',
      audience: 'https://api.test',
      jwksUri: 'https://issuer.test/jwks',
    })
    const middleware = jwtBearer({ verifier, credentialsRequired: false })
    const calls: unknown[] = []
    const next = (err?: unknown): void => {
      calls.push(err)
      throw new Error('downstream failed')
    }
    const req = {
      method: 'GET',
      url: '/pets',
      headers: {},
      rawHeaders: [],
    } as unknown as IncomingMessage
    expect(() => middleware(req, {} as ServerResponse, next)).toThrow('downstream failed')
    expect(calls).toEqual([undefined])
    const refused = {
      method: 'GET',
      url: '/pets',
      headers: { authorization: 'Bearer a b' },
      rawHeaders: ['Authorization', 'Bearer a b'],
    } as unknown as IncomingMessage
    calls.length = 0
    expect(() => middleware(refused, {} as ServerResponse, next)).toThrow('downstream failed')
    expect(calls).toHaveLength(1)
    expect(calls[0]).toBeInstanceOf(OAuthError)
  })
})
