import { describe, expect, it } from 'vitest'
import { createRedactor } from '@tokenguard/redact'
import { jweShaped, jwtShaped, opaque } from './support/secrets.js'

const { redactString } = createRedactor()

describe('createRedactor: credentials after an auth scheme', () => {
  it.each(['Bearer', 'bearer', 'BEARER', 'DPoP', 'dpop', 'Basic', 'basic'])(
    'replaces the credentials after %s and keeps the scheme',
    (scheme) => {
      const token = opaque()
      expect(redactString(`sent ${scheme} ${token} upstream`)).toBe(
        `sent ${scheme} [REDACTED] upstream`,
      )
    },
  )

  it('replaces Basic credentials with their base64 padding', () => {
    const basic = Buffer.from(`client:${opaque()}`).toString('base64')
    expect(redactString(`Authorization header was Basic ${basic}`)).not.toContain(basic)
  })

  it('keeps the auth-params of a challenge', () => {
    const challenge =
      'Bearer realm="petstore", error="invalid_token", error_description="The access token expired"'
    expect(redactString(challenge)).toBe(challenge)
    expect(redactString('DPoP algs="ES256 PS256", error=use_dpop_nonce')).toBe(
      'DPoP algs="ES256 PS256", error=use_dpop_nonce',
    )
  })

  it('takes whatever follows Bearer, Basic or DPoP as a credential, even a word', () => {
    // A credential can look like a word; a log cannot tell, so it never guesses.
    expect(redactString('sent Bearer abcdefghij; Basic authentication; DPoP proof')).toBe(
      'sent Bearer [REDACTED]; Basic [REDACTED]; DPoP [REDACTED]',
    )
  })

  it('does not take a scheme inside a longer word', () => {
    const text = 'at jwtBearerMiddleware (/app/node_modules/x.js:10:5)'
    expect(redactString(text)).toBe(text)
  })
})

describe('createRedactor: JWS and JWE compact tokens', () => {
  it('replaces a JWT anywhere in a string', () => {
    const token = jwtShaped()
    expect(redactString(`token ${token} was refused`)).toBe('token [REDACTED] was refused')
    expect(redactString(`(${token})`)).toBe('([REDACTED])')
  })

  it('replaces an unsecured JWT, whose signature is empty', () => {
    const [header, payload] = jwtShaped().split('.')
    expect(redactString(`got ${header}.${payload}. from client`)).toBe('got [REDACTED] from client')
  })

  it('replaces a JWE, whose encrypted key may be empty', () => {
    const token = jweShaped()
    expect(token.split('.')).toHaveLength(5)
    expect(redactString(`jwe=${token};`)).toBe('jwe=[REDACTED];')
  })

  it('replaces every JWT of a string', () => {
    const text = `${jwtShaped()} ${jwtShaped()} ${jwtShaped()}`
    expect(redactString(text)).toBe('[REDACTED] [REDACTED] [REDACTED]')
  })
})

describe('createRedactor: sensitive query and form parameters', () => {
  const parameters = [
    'access_token',
    'refresh_token',
    'id_token',
    'id_token_hint',
    'token',
    'client_secret',
    'client_assertion',
    'assertion',
    'code',
    'code_verifier',
    'password',
    'subject_token',
    'device_code',
  ]

  it.each(parameters)('replaces %s in a URL and keeps the other parameters', (name) => {
    const value = opaque()
    expect(redactString(`GET /cb?state=xyz&${name}=${value}&page=2#top`)).toBe(
      `GET /cb?state=xyz&${name}=[REDACTED]&page=2#top`,
    )
  })

  it('replaces sensitive parameters of a form body and of a fragment', () => {
    const secret = opaque()
    expect(redactString(`grant_type=client_credentials&client_secret=${secret}`)).toBe(
      'grant_type=client_credentials&client_secret=[REDACTED]',
    )
    expect(redactString(`https://app.example/cb#access_token=${secret}&token_type=Bearer`)).toBe(
      'https://app.example/cb#access_token=[REDACTED]&token_type=Bearer',
    )
  })

  it('finds percent-encoded and bracketed parameter names', () => {
    const secret = opaque()
    expect(redactString(`/x?access%5Ftoken=${secret}&access_token[]=${secret}`)).toBe(
      '/x?access%5Ftoken=[REDACTED]&access_token[]=[REDACTED]',
    )
  })

  it('finds key=value pairs in prose, whatever the separator style', () => {
    expect(redactString('login failed user=ann password=hunter2, accessToken=abc')).toBe(
      'login failed user=ann password=[REDACTED], accessToken=[REDACTED]',
    )
  })

  it('keeps parameters whose names only contain a sensitive word', () => {
    const text = '/x?token_type_hint=access_token&error_code=E1&zipcode=75001&tokens=3'
    expect(redactString(text)).toBe(text)
  })

  it('keeps an error code in a code parameter', () => {
    expect(redactString('retry failed code=ECONNREFUSED')).toBe('retry failed code=ECONNREFUSED')
  })
})

describe('createRedactor: JSON text', () => {
  it('replaces sensitive string values of JSON pairs', () => {
    const body = JSON.stringify({ access_token: opaque(), token_type: 'Bearer', expires_in: 3600 })
    expect(redactString(`upstream answered ${body}`)).toBe(
      'upstream answered {"access_token":"[REDACTED]","token_type":"Bearer","expires_in":3600}',
    )
  })

  it('replaces them in pretty-printed JSON, and sensitive numbers too', () => {
    const body = JSON.stringify({ client_secret: opaque(), pin: 1, password: 1234 }, null, 2)
    expect(JSON.parse(redactString(body))).toEqual({
      client_secret: '[REDACTED]',
      pin: 1,
      password: '[REDACTED]',
    })
  })

  it('replaces them in JSON escaped inside a JSON string', () => {
    const secret = opaque()
    const line = JSON.stringify({ msg: `body ${JSON.stringify({ refresh_token: secret })}` })
    const out = redactString(line)
    expect(out).not.toContain(secret)
    expect(JSON.parse(out)).toEqual({ msg: 'body {"refresh_token":"[REDACTED]"}' })
  })

  it('keeps a JSON value escaped quotes and all intact', () => {
    const secret = `${opaque()}\\"x`
    const line = `{"password":"${secret}","next":"ok"}`
    expect(JSON.parse(redactString(line))).toEqual({ password: '[REDACTED]', next: 'ok' })
  })
})

describe('createRedactor: header lines', () => {
  it('replaces the credentials of header lines and keeps the names', () => {
    const token = opaque()
    const text = [
      `Authorization: Bearer ${token}`,
      `Proxy-Authorization: Basic ${token}`,
      `Cookie: sid=${token}; theme=dark`,
      `Set-Cookie: sid=${token}; Path=/; HttpOnly`,
      `X-Api-Key: ${token}`,
      `DPoP: ${jwtShaped()}`,
    ].join('\r\n')
    expect(redactString(text).split('\r\n')).toEqual([
      'Authorization: Bearer [REDACTED]',
      'Proxy-Authorization: Basic [REDACTED]',
      'Cookie: sid=[REDACTED]; theme=[REDACTED]',
      'Set-Cookie: sid=[REDACTED]; Path=/; HttpOnly',
      'X-Api-Key: [REDACTED]',
      'DPoP: [REDACTED]',
    ])
  })
})

describe('createRedactor: URL passwords', () => {
  it('replaces the password of a URL and keeps the user', () => {
    expect(redactString('connect postgres://app:s3cr3t-pw@db.internal:5432/pets failed')).toBe(
      'connect postgres://app:[REDACTED]@db.internal:5432/pets failed',
    )
  })

  it('keeps a URL without a password', () => {
    const text = 'see https://example.com:8443/a?b=c and mailto:ann@example.com'
    expect(redactString(text)).toBe(text)
  })
})

describe('createRedactor: strings without credentials', () => {
  it.each([
    'request completed',
    '/api/pets?page=2&limit=10',
    'application/json; charset=utf-8',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36',
    '{"level":30,"msg":"adoption recorded","petId":7}',
    'a=b',
    '',
  ])('answers %j unchanged', (text) => {
    expect(redactString(text)).toBe(text)
  })

  it('answers the same text when redacted twice', () => {
    const token = jwtShaped()
    const once = redactString(`Bearer ${token} /cb?code=${opaque()} {"password":"x"}`)
    expect(redactString(once)).toBe(once)
  })
})
