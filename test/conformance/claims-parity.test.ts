import { OAuthError } from '@tokenguard/core'
import { createIntrospector, type Introspector } from '@tokenguard/introspect'
import { createJwtVerifier, type JwtVerifier } from '@tokenguard/jwt-verify'
import {
  createTestIssuer,
  DEFAULT_TEST_CLIENT,
  type RunningIssuer,
  type TestIssuer,
} from '@tokenguard/test-tokens'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// One home for the claim rules: a JWT and an introspection response that carry the same
// claims get the same answer, over real HTTP against the test issuer on 127.0.0.1.

let issuer: TestIssuer
let running: RunningIssuer
let verifier: JwtVerifier
let introspector: Introspector

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'] })
  running = await issuer.listen()
  const rules = {
    issuer: issuer.issuer,
    audience: issuer.audience,
    requiredClaims: ['client_id'],
    clockToleranceSec: 5,
  }
  verifier = createJwtVerifier(rules)
  introspector = createIntrospector({
    ...rules,
    clientAuth: {
      method: 'client_secret_basic',
      clientId: DEFAULT_TEST_CLIENT.client_id,
      clientSecret: DEFAULT_TEST_CLIENT.client_secret ?? '',
    },
  })
})

afterAll(async () => {
  await running.close()
})

async function outcome(answer: Promise<unknown>): Promise<string> {
  try {
    await answer
    return 'accepted'
  } catch (error) {
    if (error instanceof OAuthError) return `${error.status} ${error.code} ${error.reason}`
    throw error
  }
}

const now = (): number => Math.floor(Date.now() / 1000)

describe('the claim rules of jwt-verify and introspect', () => {
  // Times are chosen so the test issuer still reports the opaque token active (it checks
  // exp and nbf without tolerance), leaving the decision to the API's rules.
  it.each<[string, () => Record<string, unknown>, string]>([
    ['good claims', () => ({}), 'accepted'],
    [
      'an aud array naming the API',
      () => ({ aud: ['https://other.test', issuer.audience] }),
      'accepted',
    ],
    ['another audience', () => ({ aud: 'https://other.test' }), '401 invalid_token wrong_audience'],
    ['no audience', () => ({ aud: undefined }), '401 invalid_token audience_missing'],
    ['an empty audience list', () => ({ aud: [] }), '401 invalid_token audience_missing'],
    [
      'a missing required claim',
      () => ({ client_id: undefined }),
      '401 invalid_token missing_claim',
    ],
    ['an iat a minute ahead', () => ({ iat: now() + 60 }), '401 invalid_token iat_in_future'],
    ['an iat within the tolerance', () => ({ iat: now() + 3 }), 'accepted'],
  ])('[DESIGN-one-claim-rule] answers %s alike: %s', async (_case, claims, expected) => {
    const extra = claims()
    const jwtClaims = Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined))
    const omit = Object.keys(extra).filter((name) => extra[name] === undefined)
    const jwt = await issuer.sign(jwtClaims, { omit })
    const opaque = issuer.issueOpaque(extra)
    expect(await outcome(verifier.verify(jwt))).toBe(expected)
    expect(await outcome(introspector.introspect(opaque))).toBe(expected)
  })
})
