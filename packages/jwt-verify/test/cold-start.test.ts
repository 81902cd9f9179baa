import { Agent, request } from 'node:http'
import { oauthErrorHandler } from '@tokenguard/core'
import { echoAuth, frameworks, serve } from '@tokenguard/test-support/serve'
import { createTestIssuer } from '@tokenguard/test-tokens'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createJwtVerifier, jwtBearer } from '../src/index.js'

const REQUESTS = 100

/** GET `url` with a bearer token on `agent`; resolves with the status. */
function get(agent: Agent, url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('jwtBearer on a cold start', () => {
  it('answers 100 concurrent first requests with distinct tokens 200 after one JWKS request', async () => {
    const issuer = await createTestIssuer({ algorithms: ['RS256'] })
    const running = await issuer.listen()
    onTestFinished(() => running.close())
    running.setFault('jwks', { delayMs: 50 })
    const verifier = createJwtVerifier({
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksUri: running.jwksUri,
    })
    const refreshes: string[] = []
    verifier.jwks.get(issuer.issuer)?.on('refresh', ({ trigger }) => refreshes.push(trigger))
    const app = await serve(
      frameworks[0]!.app([jwtBearer({ verifier }), echoAuth], [oauthErrorHandler()]),
    )
    onTestFinished(() => app.close())
    const tokens = await Promise.all(
      Array.from({ length: REQUESTS }, (_, n) => issuer.sign({ scope: 'pets:read', n })),
    )
    const agent = new Agent({ keepAlive: true, maxSockets: REQUESTS })
    onTestFinished(() => agent.destroy())

    const statuses = await Promise.all(tokens.map((token) => get(agent, `${app.url}/pets`, token)))

    expect(statuses).toEqual(Array.from({ length: REQUESTS }, () => 200))
    expect(running.requests('/jwks.json')).toBe(1)
    // Given jwksUri, nothing else is asked of the issuer: no discovery.
    expect(running.requests()).toBe(1)
    expect(refreshes).toEqual(['initial'])
  })
})
