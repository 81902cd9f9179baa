import { errorLike } from '@tokenguard/test-support/errors'
import { createMemoryStore, oauthErrorHandler } from '@tokenguard/core'
import { createJwtVerifier, jwtBearer } from '@tokenguard/jwt-verify'
import {
  createDpopClient,
  createTestIssuer,
  type DpopClient,
  type RunningIssuer,
  type TestIssuer,
} from '@tokenguard/test-tokens'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { echoAuth, frameworks, serve, type LocalServer } from '@tokenguard/test-support/serve'
import { dpop, type DpopOptions } from '../src/index.js'

// One holder of a valid bound token must not be able to fill the replay store for everyone:
// each key (cnf.jkt) has its own quota of remembered proofs, and only that key is refused.

const ORIGIN = 'https://api.test'
let issuer: TestIssuer
let running: RunningIssuer
let abuser: DpopClient
let wellBehaved: DpopClient

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'] })
  running = await issuer.listen()
  abuser = await createDpopClient()
  wellBehaved = await createDpopClient()
})

afterAll(async () => {
  await running.close()
})

async function start(options: DpopOptions): Promise<LocalServer> {
  const verifier = createJwtVerifier({ issuer: issuer.issuer, audience: issuer.audience })
  const middleware = jwtBearer({ verifier, dpop: dpop({ publicOrigin: ORIGIN, ...options }) })
  const app = await serve(frameworks[0]!.app([middleware, echoAuth], [oauthErrorHandler()]))
  onTestFinished(() => app.close())
  return app
}

async function send(app: LocalServer, client: DpopClient, token: string) {
  const proof = await client.proof({ method: 'GET', url: `${ORIGIN}/pets`, accessToken: token })
  return request(app.url).get('/pets').set('Authorization', `DPoP ${token}`).set('DPoP', proof)
}

describe('dpop() replay quota per key', () => {
  it('refuses the proofs of one key over its quota with 503 and Retry-After while another key keeps being served', async () => {
    // A store that holds 100 proofs, a quota of 40 per key: the abuser alone could fill it.
    const app = await start({
      replayStore: createMemoryStore<true>({ maxEntries: 100 }),
      maxProofsPerKey: 40,
    })
    const abusive = await issuer.sign({ scope: 'pets:read', cnf: { jkt: abuser.jkt } })
    const fine = await issuer.sign({ scope: 'pets:read', cnf: { jkt: wellBehaved.jkt } })
    const statuses: number[] = []
    let retryAfter: string | undefined
    for (let index = 0; index < 120; index++) {
      const res = await send(app, abuser, abusive)
      statuses.push(res.status)
      if (res.status === 503) retryAfter ??= res.headers['retry-after'] as string
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(40)
    expect(statuses.slice(40).every((status) => status === 503)).toBe(true)
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1)
    expect(Number(retryAfter)).toBeLessThanOrEqual(70)
    const served: number[] = []
    for (let index = 0; index < 40; index++)
      served.push((await send(app, wellBehaved, fine)).status)
    expect(served.every((status) => status === 200)).toBe(true)
  })

  it('fails at start-up on a quota that is not a positive integer', () => {
    for (const maxProofsPerKey of [0, -1, 1.5, Number.NaN]) {
      expect(() => dpop({ publicOrigin: ORIGIN, maxProofsPerKey })).toThrow(
        errorLike(RangeError, 'maxProofsPerKey'),
      )
    }
  })
})
