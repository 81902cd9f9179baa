import { createPetstoreApp } from '../../examples/petstore/src/app.js'
import {
  createTestIssuer,
  DEFAULT_TEST_CLIENT,
  type RunningIssuer,
  type TestIssuer,
} from '@tokenguard/test-tokens'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serve, type LocalServer } from '@tokenguard/test-support/serve'
import { base64urlText, HTTP_RUNS } from './support.js'

// The whole stack over real HTTP: the PetStore example (JWTs and introspected opaque tokens)
// never answers 5xx and never hangs, whatever the Authorization header, path and method.

const AUDIENCE = 'https://api.petstore.test'

let issuer: TestIssuer
let running: RunningIssuer
let app: LocalServer

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'], audience: AUDIENCE })
  running = await issuer.listen()
  app = await serve(
    createPetstoreApp({
      jwt: { issuer: issuer.issuer, audience: AUDIENCE },
      introspection: {
        issuer: issuer.issuer,
        audience: AUDIENCE,
        introspectionEndpoint: running.introspectionEndpoint,
        clientAuth: {
          method: 'client_secret_basic',
          clientId: DEFAULT_TEST_CLIENT.client_id,
          clientSecret: DEFAULT_TEST_CLIENT.client_secret,
        },
      },
    }),
  )
})

afterAll(async () => {
  await app.close()
  await running.close()
})

/** Header values a client can send: visible ASCII, spaces and tabs inside. */
const headerText = (maxLength: number) =>
  fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e\t]*[\x21-\x7e])?$/, { maxLength })

const authorization = fc.oneof(
  headerText(200),
  fc
    .tuple(fc.mixedCase(fc.constantFrom('bearer', 'dpop', 'basic')), headerText(200))
    .map(([scheme, rest]) => `${scheme} ${rest}`),
  fc
    .tuple(base64urlText(80), base64urlText(200), base64urlText(90))
    .map(([a, b, c]) => `Bearer ${a}.${b}.${c}`),
  fc.constant(null),
)

describe('the PetStore example', () => {
  it('[DESIGN-no-5xx-garbage] never answers 5xx and never hangs, whatever the Authorization header, path and method', async () => {
    const valid = await issuer.sign({ scope: 'pets:read pets:write adoptions:create' })
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(authorization, fc.constant(`Bearer ${valid}`)),
        fc.constantFrom(
          '/api/pets',
          '/api/adoptions',
          '/api/unknown',
          '/health',
          '/api/pets?access_token=x',
        ),
        fc.constantFrom('GET', 'POST', 'DELETE', 'HEAD'),
        async (header, path, method) => {
          const response = await fetch(`${app.url}${path}`, {
            method,
            headers: header === null ? {} : { authorization: header },
            ...(method === 'POST' ? { body: '{"name":"Rex"}' } : {}),
            signal: AbortSignal.timeout(5_000),
          })
          await response.arrayBuffer()
          expect(response.status).toBeLessThan(500)
        },
      ),
      HTTP_RUNS,
    )
  })
})
