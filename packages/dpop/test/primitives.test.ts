import { errorLike } from '@tokenguard/test-support/errors'
import type { IncomingMessage } from 'node:http'
import { calculateJwkThumbprint } from 'jose'
import { describe, expect, it } from 'vitest'
import { jwkThumbprint } from '../src/jwk-thumbprint.js'
import { createNonceSource } from '../src/nonce-source.js'
import { createRequestUrl } from '../src/request-url.js'

describe('jwkThumbprint', () => {
  it('computes the RFC 7638 §3.1 example thumbprint', () => {
    const jwk = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    }
    expect(jwkThumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs')
  })

  it('agrees with jose for EC and OKP keys, whatever other members the JWK has', async () => {
    const ec = {
      kty: 'EC',
      crv: 'P-256',
      x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
      y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
      use: 'sig',
    }
    const okp = {
      kty: 'OKP',
      crv: 'Ed25519',
      x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
      kid: 'k',
    }
    expect(jwkThumbprint(ec)).toBe(await calculateJwkThumbprint(ec))
    expect(jwkThumbprint(okp)).toBe(await calculateJwkThumbprint(okp))
  })

  it('has no thumbprint for a symmetric key or a key missing a member', () => {
    expect(jwkThumbprint({ kty: 'oct', k: 'c2VjcmV0' })).toBeUndefined()
    expect(jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'a' })).toBeUndefined()
    expect(jwkThumbprint({ kty: 'RSA', n: 1, e: 'AQAB' })).toBeUndefined()
  })
})

describe('createNonceSource', () => {
  it('rotates every lifetimeSec and accepts the previous nonce for one more lifetime', () => {
    let now = 1_700_000_000_000
    const nonces = createNonceSource({
      secret: 'nonce-secret-0123456789',
      lifetimeSec: 60,
      now: () => now,
    })
    const first = nonces.current()
    expect(nonces.isValid(first)).toBe(true)
    now += 60_000
    const second = nonces.current()
    expect(second).not.toBe(first)
    expect(nonces.isValid(first)).toBe(true)
    now += 60_000
    expect(nonces.isValid(first)).toBe(false)
    expect(nonces.isValid(second)).toBe(true)
  })

  it('accepts the nonces of another instance with the same secret, and no forged ones', () => {
    const a = createNonceSource({ secret: 'shared-secret-0123456789' })
    const b = createNonceSource({ secret: 'shared-secret-0123456789' })
    const c = createNonceSource()
    expect(b.isValid(a.current())).toBe(true)
    expect(c.isValid(a.current())).toBe(false)
    for (const forged of [
      undefined,
      42,
      '',
      'x',
      `${a.current()}x`,
      `${a.current().split('.')[0]}.AAAA`,
      'z'.repeat(100),
    ]) {
      expect(a.isValid(forged)).toBe(false)
    }
  })
})

describe('createRequestUrl', () => {
  const req = (url: string, headers: Record<string, string> = {}, originalUrl?: string) =>
    ({
      url,
      headers,
      ...(originalUrl === undefined ? {} : { originalUrl }),
    }) as unknown as IncomingMessage

  it('builds the URL from the public origin and the path, without query or fragment', () => {
    const urlOf = createRequestUrl({ publicOrigin: 'https://api.example.com:443/ignored' })
    expect(urlOf(req('/pets?x=1#y', { host: 'evil.example' }))).toBe('https://api.example.com/pets')
    expect(urlOf(req('/', {}, '/api/pets?x=1'))).toBe('https://api.example.com/api/pets')
    expect(urlOf(req('//evil.example/pets'))).toBeUndefined()
  })

  it('reads a trusted proxy only when told to', () => {
    const urlOf = createRequestUrl({ trustProxy: true })
    expect(
      urlOf(
        req('/pets', {
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'api.example.com, inner',
        }),
      ),
    ).toBe('https://api.example.com/pets')
    expect(urlOf(req('/pets', { host: 'api.example.com' }))).toBe('https://api.example.com/pets')
    expect(urlOf(req('/pets', { host: 'bad host/x' }))).toBeUndefined()
    expect(() => createRequestUrl({})).toThrow(errorLike(TypeError, /publicOrigin/))
    expect(() => createRequestUrl({ publicOrigin: 'not a url' })).toThrow(
      errorLike(TypeError, /absolute URL/),
    )
  })
})
