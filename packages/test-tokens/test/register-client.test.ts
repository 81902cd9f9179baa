import { errorLike } from '@tokenguard/test-support/errors'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createTestIssuer, DEFAULT_TEST_CLIENT, generateTestKey } from '../src/index.js'
import type { RunningIssuer, TestClient, TestIssuer } from '../src/index.js'
import { basic, postForm } from './support/client-requests.js'

describe('DEFAULT_TEST_CLIENT', () => {
  it('is test-client with a secret of at least 32 bytes, and cannot be changed', () => {
    expect(DEFAULT_TEST_CLIENT.client_id).toBe('test-client')
    expect(Buffer.byteLength(DEFAULT_TEST_CLIENT.client_secret)).toBeGreaterThanOrEqual(32)
    expect(Object.isFrozen(DEFAULT_TEST_CLIENT)).toBe(true)
  })
})

describe('TestIssuerOptions.clients', () => {
  // Each issuer listens once, until the end of its test.
  const listening = new WeakMap<TestIssuer, RunningIssuer>()

  const authenticates = async (issuer: TestIssuer, clientId: string, secret: string) => {
    let running = listening.get(issuer)
    if (running === undefined) {
      const started = await issuer.listen()
      onTestFinished(() => started.close())
      listening.set(issuer, started)
      running = started
    }
    const response = await postForm(
      running.introspectionEndpoint,
      { token: 'x' },
      { Authorization: basic(clientId, secret) },
    )
    return response.status === 200
  }

  it('registers the default client when not given', async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'] })
    expect(await authenticates(issuer, 'test-client', DEFAULT_TEST_CLIENT.client_secret)).toBe(true)
  })

  it('replaces the default client when given', async () => {
    const issuer = await createTestIssuer({
      algorithms: ['ES256'],
      clients: [{ client_id: 'api', client_secret: 'api-secret' }],
    })
    expect(await authenticates(issuer, 'api', 'api-secret')).toBe(true)
    expect(await authenticates(issuer, 'test-client', DEFAULT_TEST_CLIENT.client_secret)).toBe(
      false,
    )
  })

  it('fails at creation on a bad client with a message that says what to fix', async () => {
    await expect(createTestIssuer({ clients: [{ client_id: 'x' }] })).rejects.toThrow(TypeError)
    await expect(createTestIssuer({ clients: [{ client_id: 'x' }] })).rejects.toThrow(
      errorLike(TypeError, 'give the client a client_secret, jwks or bearer_token'),
    )
    await expect(createTestIssuer({ clients: 'test-client' as never })).rejects.toThrow(TypeError)
    await expect(createTestIssuer({ clients: 'test-client' as never })).rejects.toThrow(
      errorLike(TypeError, /clients must be an array/),
    )
  })
})

describe('TestIssuer.registerClient', () => {
  let issuer: TestIssuer

  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256'] })
  })

  const bad: [string, unknown, RegExp][] = [
    ['no client_id', { client_secret: 's' }, /client_id must be a non-empty string/],
    ['an empty client_id', { client_id: '', client_secret: 's' }, /client_id must be/],
    ['an empty client_secret', { client_id: 'a', client_secret: '' }, /client_secret must be/],
    ['no credential', { client_id: 'a' }, /give the client a client_secret, jwks or bearer_token/],
    [
      'a misspelled field',
      { client_id: 'a', clientSecret: 's' },
      /unknown client option "clientSecret"/,
    ],
    ['an empty jwks', { client_id: 'a', jwks: { keys: [] } }, /at least one key/],
    ['a jwks key without kty', { client_id: 'a', jwks: { keys: [{ x: 'y' }] } }, /JWK with kty/],
    ['a bearer_token with a space', { client_id: 'a', bearer_token: 'two words' }, /b64token/],
    ['no object', null, /a client is an object/],
  ]

  it.each(bad)('throws a TypeError for %s', (_, client, message) => {
    expect(() => issuer.registerClient(client as TestClient)).toThrow(TypeError)
    expect(() => issuer.registerClient(client as TestClient)).toThrow(message)
  })

  it('refuses a private key in jwks without echoing it', async () => {
    const key = await generateTestKey('ES256')
    const { exportJWK } = await import('jose')
    const privateJwk = await exportJWK(key.privateKey)
    let message = ''
    try {
      issuer.registerClient({ client_id: 'a', jwks: { keys: [privateJwk] } })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(/public keys only/)
    expect(message).not.toContain(privateJwk.d!)
  })

  it('refuses a bearer_token another client has, without echoing it', () => {
    issuer.registerClient({ client_id: 'rs-1', bearer_token: 'shared-token-abcdef' })
    const taken = () =>
      issuer.registerClient({ client_id: 'rs-2', bearer_token: 'shared-token-abcdef' })
    expect(taken).toThrow(RangeError)
    expect(taken).toThrow(errorLike(RangeError, /another client has the same bearer_token$/))
    expect(() =>
      issuer.registerClient({ client_id: 'rs-1', bearer_token: 'shared-token-abcdef' }),
    ).not.toThrow()
  })

  it('keeps its own copy, so changing the object later changes nothing', async () => {
    const running = await issuer.listen()
    onTestFinished(() => running.close())
    const client = { client_id: 'copied', client_secret: 'original-secret' }
    issuer.registerClient(client)
    client.client_secret = 'changed-secret'
    const response = await postForm(
      running.introspectionEndpoint,
      { token: 'x' },
      { Authorization: basic('copied', 'original-secret') },
    )
    expect(response.status).toBe(200)
  })
})
