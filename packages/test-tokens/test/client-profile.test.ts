import { beforeAll, describe, expect, it } from 'vitest'
import { createTestIssuer, GRANT_TYPES } from '../src/index.js'
import type { TestClient, TestIssuer, TestIssuerOptions } from '../src/index.js'

describe('TestClient grant fields', () => {
  let issuer: TestIssuer

  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256'] })
  })

  it('accepts a public client and every grant field', () => {
    expect(() =>
      issuer.registerClient({
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
    const client = { client_id: 'x', ...(fields as object) } as TestClient
    expect(() => issuer.registerClient(client)).toThrow(TypeError)
    expect(() => issuer.registerClient(client)).toThrow(message)
  })

  it('keeps its own copy of redirect_uris', async () => {
    const redirect_uris = ['https://app.test/cb']
    const own = await createTestIssuer({
      algorithms: ['ES256'],
      autoApprove: true,
      clients: [{ client_id: 'spa', token_endpoint_auth_method: 'none', redirect_uris }],
    })
    redirect_uris[0] = 'https://evil.test/cb'
    const running = await own.listen()
    try {
      const response = await fetch(
        `${running.authorizationEndpoint}?client_id=spa&redirect_uri=${encodeURIComponent('https://evil.test/cb')}`,
        { redirect: 'manual' },
      )
      expect(response.status).toBe(400)
    } finally {
      await running.close()
    }
  })
})

describe('createTestIssuer authorization server options', () => {
  const bad: [string, TestIssuerOptions, RegExp][] = [
    ['a non-boolean autoApprove', { autoApprove: 'yes' as never }, /autoApprove must be a boolean/],
    ['an empty subject', { subject: '' }, /subject must be a string of 1 to 256/],
    ['users that are not an object', { users: [] as never }, /users must be an object/],
    ['a user without claims', { users: { alice: 'x' as never } }, /map each subject/],
    [
      'a code lifetime over 10 minutes',
      { codeExpiresInSec: 601 },
      /codeExpiresInSec must be an integer from 1 to 600/,
    ],
    ['a zero poll interval', { devicePollIntervalSec: 0 }, /devicePollIntervalSec/],
    [
      'a fractional refresh lifetime',
      { refreshTokenExpiresInSec: 1.5 },
      /refreshTokenExpiresInSec/,
    ],
  ]

  it.each(bad)('rejects %s with a message that says what to fix', async (_, options, message) => {
    await expect(createTestIssuer({ algorithms: ['ES256'], ...options })).rejects.toThrow(message)
  })
})
