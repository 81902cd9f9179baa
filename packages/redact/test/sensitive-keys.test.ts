import { errorLike } from '@tokenguard/test-support/errors'
import { describe, expect, it } from 'vitest'
import { createRedactor, SENSITIVE_KEYS } from '@tokenguard/redact'
import { opaque } from './support/secrets.js'

const redactor = createRedactor()

/** `value` under `key` at the top, three levels down, and inside an array. */
function placements(key: string, value: unknown): Record<string, unknown> {
  return {
    [key]: value,
    a: { b: { c: { [key]: value } } },
    list: [{ [key]: value }],
  }
}

describe('SENSITIVE_KEYS', () => {
  it('lists the credential headers, the OAuth parameters and the usual secrets', () => {
    expect(SENSITIVE_KEYS).toEqual(
      expect.arrayContaining([
        'authorization',
        'proxy-authorization',
        'dpop',
        'cookie',
        'set-cookie',
        'x-api-key',
        'access_token',
        'refresh_token',
        'id_token',
        'token',
        'client_secret',
        'client_assertion',
        'assertion',
        'code',
        'code_verifier',
        'password',
      ]),
    )
    expect(Object.isFrozen(SENSITIVE_KEYS)).toBe(true)
  })
})

describe('createRedactor: sensitive keys', () => {
  const plainKeys = SENSITIVE_KEYS.filter(
    (key) => !['authorization', 'proxy-authorization', 'cookie', 'set-cookie'].includes(key),
  )

  it.each(plainKeys)('replaces the value of "%s" at any depth', (key) => {
    const secret = opaque()
    const out = JSON.stringify(redactor.redact(placements(key, secret)))
    expect(out).not.toContain(secret)
    expect(out.match(/\[REDACTED\]/g)).toHaveLength(3)
  })

  it.each([
    'Access_Token',
    'ACCESS-TOKEN',
    'accessToken',
    'access-token',
    'X-API-KEY',
    'ClientSecret',
  ])('matches "%s" whatever its case and separators', (key) => {
    const secret = opaque()
    expect(redactor.redact({ [key]: secret })).toEqual({ [key]: '[REDACTED]' })
  })

  it.each(['csrfToken', 'x-auth-token', 'db_password', 'webhookSecret', 'smtp_passwd'])(
    'replaces the value of "%s", which ends in token, secret, password or passwd',
    (key) => {
      expect(redactor.redact({ [key]: opaque() })).toEqual({ [key]: '[REDACTED]' })
    },
  )

  it.each(['token_type', 'expires_in', 'max_tokens', 'scope', 'tokenCount', 'error_code'])(
    'leaves "%s" alone',
    (key) => {
      const value = { [key]: 'Bearer-free text' }
      expect(redactor.redact(value)).toBe(value)
    },
  )

  it('keeps the scheme of authorization and proxy-authorization', () => {
    const token = opaque()
    expect(
      redactor.redact({
        headers: { authorization: `Bearer ${token}`, 'Proxy-Authorization': `Basic ${token}` },
      }),
    ).toEqual({
      headers: { authorization: 'Bearer [REDACTED]', 'Proxy-Authorization': 'Basic [REDACTED]' },
    })
  })

  it('replaces an authorization value without a scheme whole', () => {
    expect(redactor.redact({ authorization: opaque() })).toEqual({ authorization: '[REDACTED]' })
  })

  it('keeps the names of the cookies of a cookie header', () => {
    expect(redactor.redact({ cookie: `sid=${opaque()}; theme=dark;lang=fr` })).toEqual({
      cookie: 'sid=[REDACTED]; theme=[REDACTED];lang=[REDACTED]',
    })
  })

  it('keeps the name and attributes of every set-cookie', () => {
    const out = redactor.redact({
      'set-cookie': [`sid=${opaque()}; Path=/; HttpOnly; Secure`, `csrf=${opaque()}`],
    })
    expect(out).toEqual({
      'set-cookie': ['sid=[REDACTED]; Path=/; HttpOnly; Secure', 'csrf=[REDACTED]'],
    })
  })

  it('replaces objects, arrays and numbers under a sensitive key, and keeps booleans and null', () => {
    expect(
      redactor.redact({
        password: { current: 'a', next: 'b' },
        token: [opaque(), 42, { nested: opaque() }, null],
        secret: 1234,
        client_secret: true,
        refresh_token: null,
      }),
    ).toEqual({
      password: '[REDACTED]',
      token: ['[REDACTED]', '[REDACTED]', '[REDACTED]', null],
      secret: '[REDACTED]',
      client_secret: true,
      refresh_token: null,
    })
  })

  it('keeps an error code under code, and replaces an authorization code', () => {
    const authorizationCode = 'SplxlOBeZQQYbYS6WxSbIA'
    expect(
      redactor.redact([
        { code: 'ECONNRESET' },
        { code: 'ERR_HTTP_HEADERS_SENT' },
        { code: 'invalid_token' },
        { code: 'auth/invalid-token' },
        { code: 503 },
        { code: authorizationCode },
        { code: 'e72e16c7e42f292c6912' },
      ]),
    ).toEqual([
      { code: 'ECONNRESET' },
      { code: 'ERR_HTTP_HEADERS_SENT' },
      { code: 'invalid_token' },
      { code: 'auth/invalid-token' },
      { code: 503 },
      { code: '[REDACTED]' },
      { code: '[REDACTED]' },
    ])
  })

  it('keeps an empty value empty', () => {
    const value = { password: '', headers: { authorization: '' } }
    expect(redactor.redact(value)).toBe(value)
  })

  it('finds sensitive keys in Maps', () => {
    const secret = opaque()
    const out = redactor.redact(
      new Map([
        ['access_token', secret],
        ['page', '2'],
      ]),
    )
    expect(out).toEqual(
      new Map([
        ['access_token', '[REDACTED]'],
        ['page', '2'],
      ]),
    )
  })

  it('adds the keys option to the defaults, compared the same way', () => {
    const custom = createRedactor({ keys: ['x-session', 'ssn'] })
    expect(custom.redact({ 'X-Session': 'abc', xSession: 'def', ssn: '123', token: 't' })).toEqual({
      'X-Session': '[REDACTED]',
      xSession: '[REDACTED]',
      ssn: '[REDACTED]',
      token: '[REDACTED]',
    })
    expect(custom.redactString('/lookup?ssn=123-45-6789&x')).toBe('/lookup?ssn=[REDACTED]&x')
  })
})

describe('createRedactor: paths', () => {
  const redactor = createRedactor({
    paths: ['user.ssn', 'req.headers["x-internal"]', 'cards[*].number', '*.pin', 'list[1]'],
  })

  it('replaces the values at the given paths whole', () => {
    expect(
      redactor.redact({
        user: { ssn: '123-45-6789', name: 'Ann' },
        req: { headers: { 'x-internal': { a: 1 }, host: 'h' } },
        cards: [{ number: '4111', brand: 'visa' }, { number: '5500' }],
        account: { pin: 1234 },
        list: ['a', 'b', 'c'],
      }),
    ).toEqual({
      user: { ssn: '[REDACTED]', name: 'Ann' },
      req: { headers: { 'x-internal': '[REDACTED]', host: 'h' } },
      cards: [{ number: '[REDACTED]', brand: 'visa' }, { number: '[REDACTED]' }],
      account: { pin: '[REDACTED]' },
      list: ['a', '[REDACTED]', 'c'],
    })
  })

  it('compares path segments exactly, case included', () => {
    const value = { User: { ssn: 'x' }, user: { SSN: 'y' } }
    expect(redactor.redact(value)).toBe(value)
  })

  it('matches a path only from the top', () => {
    const value = { wrapper: { user: { ssn: 'x' } } }
    expect(redactor.redact(value)).toBe(value)
  })

  it.each(['', '.a', 'a.', 'a..b', 'a[', 'a[b]', 'a["b]'])(
    'throws a TypeError at start-up for the malformed path %j',
    (path) => {
      expect(() => createRedactor({ paths: [path] })).toThrow(TypeError)
      expect(() => createRedactor({ paths: [path] })).toThrow(
        errorLike(TypeError, /^@tokenguard\/redact: /),
      )
    },
  )
})
