import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestIssuer, DEFAULT_TEST_CLIENT, generateTestKey } from '../src/index.js'
import type { RunningIssuer, TestIssuer, TestKey } from '../src/index.js'
import { assertionParams, basic, clientAssertion, postForm } from './support/client-requests.js'

const { client_id: CLIENT_ID, client_secret: SECRET } = DEFAULT_TEST_CLIENT
const BASIC_CHALLENGE = 'Basic realm="test-issuer"'

describe('client authentication at /introspect', () => {
  let issuer: TestIssuer
  let running: RunningIssuer
  let clientKey: TestKey
  let strangerKey: TestKey
  let token: string

  beforeAll(async () => {
    ;[clientKey, strangerKey] = await Promise.all([
      generateTestKey('ES256', { kid: 'client-key' }),
      generateTestKey('ES256', { kid: 'client-key' }),
    ])
    issuer = await createTestIssuer({
      algorithms: ['ES256'],
      clients: [
        DEFAULT_TEST_CLIENT,
        { client_id: 'jwt-client', jwks: { keys: [clientKey.publicJwk] } },
        { client_id: 'rs', bearer_token: 'static-rs-token-0123456789' },
      ],
    })
    running = await issuer.listen()
    token = issuer.issueOpaque({ scope: 'a' })
  })

  afterAll(() => running.close())

  const expectInvalidClient = async (response: Response, challenge = BASIC_CHALLENGE) => {
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe(challenge)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toEqual({ error: 'invalid_client' })
  }

  it('refuses a wrong secret in a Basic header with 401 invalid_client and a Basic challenge', async () => {
    await expectInvalidClient(
      await postForm(
        running.introspectionEndpoint,
        { token },
        { Authorization: basic(CLIENT_ID, 'wrong') },
      ),
    )
  })

  it('refuses a wrong secret in the body with 401 invalid_client', async () => {
    await expectInvalidClient(
      await postForm(running.introspectionEndpoint, {
        token,
        client_id: CLIENT_ID,
        client_secret: `${SECRET}x`,
      }),
    )
  })

  it('refuses a client the issuer does not know', async () => {
    await expectInvalidClient(
      await postForm(
        running.introspectionEndpoint,
        { token },
        { Authorization: basic('nobody', SECRET) },
      ),
    )
    await expectInvalidClient(
      await postForm(running.introspectionEndpoint, {
        token,
        client_id: 'nobody',
        client_secret: SECRET,
      }),
    )
  })

  it('refuses a client_secret_post request without client_id', async () => {
    await expectInvalidClient(
      await postForm(running.introspectionEndpoint, { token, client_secret: SECRET }),
    )
  })

  it.each([
    ['not base64', 'Basic %%%'],
    ['no colon', `Basic ${Buffer.from('test-client').toString('base64')}`],
    ['no credentials', 'Basic'],
    ['an unencoded %', `Basic ${Buffer.from('test-client:%zz').toString('base64')}`],
  ])('refuses a Basic header with %s', async (_, authorization) => {
    await expectInvalidClient(
      await postForm(running.introspectionEndpoint, { token }, { Authorization: authorization }),
    )
  })

  it('refuses a request without client authentication', async () => {
    await expectInvalidClient(await postForm(running.introspectionEndpoint, { token }))
    await expectInvalidClient(
      await postForm(running.introspectionEndpoint, { token, client_id: CLIENT_ID }),
    )
  })

  it('refuses an Authorization scheme other than Basic and Bearer', async () => {
    await expectInvalidClient(
      await postForm(running.introspectionEndpoint, { token }, { Authorization: 'Digest abc' }),
    )
  })

  it('refuses a bearer token no client has, with a Bearer challenge', async () => {
    await expectInvalidClient(
      await postForm(
        running.introspectionEndpoint,
        { token },
        { Authorization: 'Bearer static-rs-token' },
      ),
      'Bearer realm="test-issuer"',
    )
  })

  it('refuses a client_id parameter that names another client than the credentials', async () => {
    await expectInvalidClient(
      await postForm(
        running.introspectionEndpoint,
        { token, client_id: 'rs' },
        { Authorization: basic(CLIENT_ID, SECRET) },
      ),
    )
  })

  it('answers 400 invalid_request to two authentication methods at once', async () => {
    const assertion = await clientAssertion(clientKey, 'jwt-client', running.url)
    const attempts: [Record<string, string>, Record<string, string>][] = [
      [
        { client_id: CLIENT_ID, client_secret: SECRET },
        { Authorization: basic(CLIENT_ID, SECRET) },
      ],
      [assertionParams(assertion), { Authorization: basic(CLIENT_ID, SECRET) }],
      [{ client_id: CLIENT_ID, client_secret: SECRET, ...assertionParams(assertion) }, {}],
      [
        { client_id: CLIENT_ID, client_secret: SECRET },
        { Authorization: 'Bearer static-rs-token-0123456789' },
      ],
    ]
    for (const [params, headers] of attempts) {
      const response = await postForm(running.introspectionEndpoint, { token, ...params }, headers)
      expect(response.status).toBe(400)
      expect(await response.json()).toEqual({
        error: 'invalid_request',
        error_description: 'use exactly one client authentication method',
      })
    }
  })

  describe('private_key_jwt', () => {
    const send = (assertion: string, extra: Record<string, string> = {}) =>
      postForm(running.introspectionEndpoint, { token, ...assertionParams(assertion), ...extra })

    const now = () => Math.floor(Date.now() / 1000)

    const refused: [string, Record<string, unknown>][] = [
      ['an aud of another server', { aud: 'https://other.test' }],
      ['the revocation endpoint as aud', { aud: 'REVOKE' }],
      ['no aud', { aud: undefined }],
      ['an exp in the past', { exp: -60 }],
      ['no exp', { exp: undefined }],
      ['no jti', { jti: undefined }],
      ['an iss other than the client', { iss: 'test-client' }],
      ['a sub other than the client', { sub: 'test-client' }],
      ['an nbf in the future', { nbf: 600 }],
    ]

    it.each(refused)('refuses an assertion with %s', async (_, change) => {
      const claims = { ...change }
      if (claims.exp !== undefined) claims.exp = now() + Number(claims.exp)
      if (claims.nbf !== undefined) claims.nbf = now() + Number(claims.nbf)
      if (claims.aud === 'REVOKE') claims.aud = running.revocationEndpoint
      await expectInvalidClient(
        await send(await clientAssertion(clientKey, 'jwt-client', running.url, claims)),
      )
    })

    it('refuses an assertion signed by a key the client did not register', async () => {
      await expectInvalidClient(
        await send(await clientAssertion(strangerKey, 'jwt-client', running.url)),
      )
    })

    it('refuses an assertion of a client that registered no jwks', async () => {
      await expectInvalidClient(
        await send(await clientAssertion(clientKey, CLIENT_ID, running.url)),
      )
    })

    it('refuses an assertion whose jti was already used', async () => {
      const assertion = await clientAssertion(clientKey, 'jwt-client', running.url)
      expect((await send(assertion)).status).toBe(200)
      await expectInvalidClient(await send(assertion))
      const sameJti = await clientAssertion(clientKey, 'jwt-client', running.url, {
        jti: (
          JSON.parse(Buffer.from(assertion.split('.')[1]!, 'base64url').toString()) as {
            jti: string
          }
        ).jti,
      })
      await expectInvalidClient(await send(sameJti))
    })

    it('accepts only one of two concurrent requests with the same assertion', async () => {
      const assertion = await clientAssertion(clientKey, 'jwt-client', running.url)
      const statuses = await Promise.all(
        [send(assertion), send(assertion)].map(async (p) => (await p).status),
      )
      expect(statuses.sort()).toEqual([200, 401])
    })

    it('refuses an HMAC assertion keyed with a public key member, and alg none', async () => {
      const hmac = await new SignJWT({
        iss: 'jwt-client',
        sub: 'jwt-client',
        aud: running.url,
        jti: 'h',
      })
        .setProtectedHeader({ alg: 'HS256', kid: 'client-key' })
        .setExpirationTime('1m')
        .sign(Buffer.from(clientKey.publicJwk.x!))
      await expectInvalidClient(await send(hmac))
      const header = Buffer.from('{"alg":"none"}').toString('base64url')
      const payload = Buffer.from(
        JSON.stringify({
          iss: 'jwt-client',
          sub: 'jwt-client',
          aud: running.url,
          exp: now() + 60,
          jti: 'n',
        }),
      ).toString('base64url')
      await expectInvalidClient(await send(`${header}.${payload}.`))
    })

    it('refuses a wrong client_assertion_type, a missing assertion and garbage', async () => {
      const assertion = await clientAssertion(clientKey, 'jwt-client', running.url)
      await expectInvalidClient(
        await postForm(running.introspectionEndpoint, {
          token,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
          client_assertion: assertion,
        }),
      )
      await expectInvalidClient(
        await postForm(running.introspectionEndpoint, {
          token,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        }),
      )
      await expectInvalidClient(await send('not.a.jwt'))
    })

    it('refuses a client_id parameter other than the assertion subject', async () => {
      const assertion = await clientAssertion(clientKey, 'jwt-client', running.url)
      await expectInvalidClient(await send(assertion, { client_id: CLIENT_ID }))
    })
  })

  describe('registerClient', () => {
    it('lets a client registered while listening authenticate at once', async () => {
      issuer.registerClient({ client_id: 'late', client_secret: 'late-secret' })
      const response = await postForm(
        running.introspectionEndpoint,
        { token },
        { Authorization: basic('late', 'late-secret') },
      )
      expect(response.status).toBe(200)
    })

    it('replaces the credentials of a client registered again', async () => {
      issuer.registerClient({ client_id: 'rotating', client_secret: 'first-secret' })
      issuer.registerClient({ client_id: 'rotating', client_secret: 'second-secret' })
      const first = { Authorization: basic('rotating', 'first-secret') }
      const second = { Authorization: basic('rotating', 'second-secret') }
      await expectInvalidClient(await postForm(running.introspectionEndpoint, { token }, first))
      expect((await postForm(running.introspectionEndpoint, { token }, second)).status).toBe(200)
    })
  })
})
