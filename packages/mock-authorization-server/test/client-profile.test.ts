import { errorLike } from '@tokenguard/test-support/errors'
import { createTestIssuer } from '@tokenguard/test-tokens'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createMockAuthorizationServer, GRANT_TYPES } from '../src/index.js'
import type {
  AuthorizationServerClient,
  MockAuthorizationServer,
  MockAuthorizationServerOptions,
} from '../src/index.js'

describe('AuthorizationServerClient grant fields', () => {
  let server: MockAuthorizationServer

  beforeAll(async () => {
    server = await createMockAuthorizationServer({ issuerOptions: { algorithms: ['ES256'] } })
  })

  it('accepts a public client and every grant field', () => {
    expect(() =>
      server.registerClient({
        client_id: 'spa',
        token_endpoint_auth_method: 'none',
        redirect_uris: [
          'https://app.test/cb',
          'com.example.app:/oauth',
          'http://127.0.0.1:8080/cb',
        ],
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'openid pets:read',
        token_format: 'opaque',
      }),
    ).not.toThrow()
    expect(GRANT_TYPES).toEqual([
      'client_credentials',
      'authorization_code',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:device_code',
    ])
  })

  const bad: [string, unknown, RegExp][] = [
    [
      'a public client with a secret',
      { token_endpoint_auth_method: 'none', client_secret: 's' },
      /has no credential/,
    ],
    [
      'another auth method',
      { client_secret: 's', token_endpoint_auth_method: 'client_secret_jwt' },
      /must be 'none'/,
    ],
    ['a relative redirect URI', { client_secret: 's', redirect_uris: ['/cb'] }, /absolute URI/],
    [
      'a redirect URI with a fragment',
      { client_secret: 's', redirect_uris: ['https://a.test/#x'] },
      /fragment/,
    ],
    [
      'redirect_uris that are not a list',
      { client_secret: 's', redirect_uris: 'https://a.test' },
      /array of 1 to 20/,
    ],
    ['an empty redirect_uris', { client_secret: 's', redirect_uris: [] }, /array of 1 to 20/],
    [
      'an unknown grant type',
      { client_secret: 's', grant_types: ['password'] },
      /grant_types must list/,
    ],
    [
      'a repeated grant type',
      { client_secret: 's', grant_types: ['refresh_token', 'refresh_token'] },
      /without repeats/,
    ],
    [
      'authorization_code without redirect_uris',
      { client_secret: 's', grant_types: ['authorization_code'] },
      /needs redirect_uris/,
    ],
    ['a malformed scope', { client_secret: 's', scope: 'a  b' }, /scope tokens/],
    [
      'an unknown token format',
      { client_secret: 's', token_format: 'paseto' },
      /token_format must be/,
    ],
  ]

  it.each(bad)('throws a TypeError for %s', (_, fields, message) => {
    const client = { client_id: 'x', ...(fields as object) } as AuthorizationServerClient
    expect(() => server.registerClient(client)).toThrow(TypeError)
    expect(() => server.registerClient(client)).toThrow(message)
  })

  it('keeps its own copy of redirect_uris', async () => {
    const redirect_uris = ['https://app.test/cb']
    const own = await createMockAuthorizationServer({
      issuerOptions: { algorithms: ['ES256'] },
      autoApprove: true,
      clients: [{ client_id: 'spa', token_endpoint_auth_method: 'none', redirect_uris }],
    })
    redirect_uris[0] = 'https://evil.test/cb'
    const running = await own.listen()
    onTestFinished(() => running.close())
    const response = await fetch(
      `${running.authorizationEndpoint}?client_id=spa&redirect_uri=${encodeURIComponent('https://evil.test/cb')}`,
      { redirect: 'manual' },
    )
    expect(response.status).toBe(400)
  })

  it('refuses a misspelled field, naming the closest one', () => {
    const client = { client_id: 'x', client_secret: 's', redirect_uri: ['https://a.test/cb'] }
    expect(() => server.registerClient(client as AuthorizationServerClient)).toThrow(TypeError)
    expect(() => server.registerClient(client as AuthorizationServerClient)).toThrow(
      errorLike(TypeError, 'unknown option "redirect_uri". Did you mean "redirect_uris"?'),
    )
  })

  it('replaces a client registered at the issuer as a whole, grant fields included', async () => {
    server.registerClient({ client_id: 'swap', client_secret: 'swap-secret', scope: 'a' })
    server.issuer.registerClient({ client_id: 'swap', client_secret: 'swap-secret' })
    const running = await server.listen()
    onTestFinished(() => running.close())
    const answer = await fetch(running.tokenEndpoint, {
      method: 'POST',
      headers: { Authorization: `Basic ${btoa('swap:swap-secret')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'b' }),
    })
    expect(await answer.json()).toMatchObject({ scope: 'b' })
  })
})

describe('createMockAuthorizationServer options', () => {
  const bad: [string, MockAuthorizationServerOptions, ErrorConstructor, RegExp][] = [
    [
      'a non-boolean autoApprove',
      { autoApprove: 'yes' as never },
      TypeError,
      /autoApprove must be a boolean/,
    ],
    ['an empty subject', { subject: '' }, TypeError, /subject must be a string of 1 to 256/],
    ['users that are not an object', { users: [] as never }, TypeError, /users must be an object/],
    ['a user without claims', { users: { alice: 'x' as never } }, TypeError, /map each subject/],
    [
      'a code lifetime over 10 minutes',
      { codeExpiresInSec: 601 },
      RangeError,
      /codeExpiresInSec must be an integer from 1 to 600/,
    ],
    ['a zero poll interval', { devicePollIntervalSec: 0 }, RangeError, /devicePollIntervalSec/],
    [
      'a fractional refresh lifetime',
      { refreshTokenExpiresInSec: 1.5 },
      RangeError,
      /refreshTokenExpiresInSec/,
    ],
    [
      'a misspelled option',
      { autoAprove: true } as never,
      TypeError,
      /unknown option "autoAprove". Did you mean "autoApprove"\?/,
    ],
    [
      'clients that are not a list',
      { clients: {} as never },
      TypeError,
      /clients must be an array/,
    ],
    [
      'an issuer not made by createTestIssuer',
      { issuer: {}, issuerOptions: undefined } as never,
      TypeError,
      /the issuer must come from createTestIssuer\(\)/,
    ],
  ]

  it.each(bad)(
    'rejects %s with a message that says what to fix',
    async (_, options, type, message) => {
      const error: unknown = await createMockAuthorizationServer({
        issuerOptions: { algorithms: ['ES256'] },
        ...options,
      }).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(type)
      expect((error as Error).message).toMatch(message)
      expect((error as Error).message).toMatch(
        /^@tokenguard\/(mock-authorization-server|test-tokens): /,
      )
    },
  )

  it('rejects an issuer together with issuerOptions', async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'] })
    const both = createMockAuthorizationServer({ issuer, issuerOptions: { audience: 'x' } })
    await expect(both).rejects.toThrow(TypeError)
    await expect(
      createMockAuthorizationServer({ issuer, issuerOptions: { audience: 'x' } }),
    ).rejects.toThrow(errorLike(TypeError, 'give issuer or issuerOptions, not both'))
  })
})
