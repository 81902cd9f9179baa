import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { createAuthContext, parseScopes } from '@tokenguard/core'

const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl'

function claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: 'https://issuer.example',
    sub: 'user-1',
    aud: 'https://api.example',
    exp: 2_000_000_000,
    client_id: 'client-1',
    scope: 'read:pets write:pets',
    ...extra,
  }
}

const context = (extra?: Record<string, unknown>) =>
  createAuthContext(
    { claims: claims(extra), issuer: 'https://issuer.example', source: 'jwt' },
    TOKEN,
  )

describe('createAuthContext', () => {
  it('derives scopes, subject, client id, audience and expiry from the claims', () => {
    expect(context()).toEqual({
      scheme: 'bearer',
      claims: claims(),
      scopes: ['read:pets', 'write:pets'],
      subject: 'user-1',
      clientId: 'client-1',
      issuer: 'https://issuer.example',
      audience: ['https://api.example'],
      expiresAt: 2_000_000_000,
      source: 'jwt',
    })
  })

  it('keeps the scheme and source it is given', () => {
    const auth = createAuthContext(
      { scheme: 'dpop', claims: {}, issuer: 'https://issuer.example', source: 'introspection' },
      TOKEN,
    )
    expect(auth).toMatchObject({
      scheme: 'dpop',
      source: 'introspection',
      scopes: [],
      audience: [],
    })
  })

  it('falls back to azp for the client id, and leaves out what the claims lack', () => {
    const auth = createAuthContext(
      { claims: { azp: 'client-2', aud: ['a', 7, 'b'] }, issuer: 'i', source: 'jwt' },
      TOKEN,
    )
    expect(auth.clientId).toBe('client-2')
    expect(auth.audience).toEqual(['a', 'b'])
    expect(Object.keys(auth)).not.toContain('subject')
    expect(Object.keys(auth)).not.toContain('expiresAt')
  })

  it('ignores sub, client_id and exp of the wrong type', () => {
    const auth = context({ sub: 42, client_id: ['x'], exp: '2000000000' })
    expect(auth.subject).toBeUndefined()
    expect(auth.clientId).toBeUndefined()
    expect(auth.expiresAt).toBeUndefined()
  })

  it('gives the token through auth.token', () => {
    expect(context().token).toBe(TOKEN)
  })

  it('keeps the token out of JSON.stringify, util.inspect and Object.keys', () => {
    const auth = context()
    expect(JSON.stringify(auth)).not.toContain(TOKEN)
    expect(inspect(auth, { depth: Infinity })).not.toContain(TOKEN)
    expect(Object.keys(auth)).not.toContain('token')
    expect({ ...auth }).not.toHaveProperty('token')
  })

  it('is frozen deeply, claims included', () => {
    const auth = context({ nested: { roles: ['admin'], deeper: { level: 3 } } })
    expect(Object.isFrozen(auth)).toBe(true)
    expect(Object.isFrozen(auth.scopes)).toBe(true)
    expect(Object.isFrozen(auth.audience)).toBe(true)
    expect(Object.isFrozen(auth.claims)).toBe(true)
    const nested = auth.claims.nested as { roles: string[]; deeper: object }
    expect(Object.isFrozen(nested)).toBe(true)
    expect(Object.isFrozen(nested.roles)).toBe(true)
    expect(Object.isFrozen(nested.deeper)).toBe(true)
    expect(() => {
      ;(auth as { token: string }).token = 'other'
    }).toThrow(TypeError)
    expect(() => nested.roles.push('root')).toThrow(TypeError)
  })

  it('freezes the children of claims that were already frozen at the top', () => {
    const inner = { roles: ['admin'] }
    const auth = createAuthContext(
      { claims: Object.freeze({ inner }), issuer: 'i', source: 'jwt' },
      TOKEN,
    )
    expect(auth.claims.inner).toBe(inner)
    expect(Object.isFrozen(inner)).toBe(true)
    expect(Object.isFrozen(inner.roles)).toBe(true)
  })

  it('does not let a __proto__ claim pollute any prototype or change the context', () => {
    const hostile = JSON.parse(
      '{"sub":"u","__proto__":{"polluted":true,"scope":"admin","token":"forged"},' +
        '"constructor":{"prototype":{"polluted":true}}}',
    ) as Record<string, unknown>
    const auth = createAuthContext({ claims: hostile, issuer: 'i', source: 'jwt' }, TOKEN)
    expect(auth.scopes).toEqual([])
    expect(auth.token).toBe(TOKEN)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(auth.claims)).toBe(Object.prototype)
    expect(Object.hasOwn(auth.claims, '__proto__')).toBe(true)
  })

  it('handles a claim nested 10000 levels deep without overflowing the stack', () => {
    let deep: Record<string, unknown> = { leaf: true }
    for (let depth = 0; depth < 10_000; depth++) deep = { next: deep }
    const auth = context({ deep })
    let cursor = auth.claims.deep as Record<string, unknown>
    let depth = 0
    while (cursor.next !== undefined) {
      expect(Object.isFrozen(cursor)).toBe(true)
      cursor = cursor.next as Record<string, unknown>
      depth++
    }
    expect(depth).toBe(10_000)
    expect(Object.isFrozen(cursor)).toBe(true)
  })
})

describe('parseScopes', () => {
  it('splits a space-delimited scope string', () => {
    expect(parseScopes({ scope: 'a b  c' })).toEqual(['a', 'b', 'c'])
  })

  it('reads an scp array, and an scp string', () => {
    expect(parseScopes({ scp: ['a', 'b'] })).toEqual(['a', 'b'])
    expect(parseScopes({ scp: 'a b' })).toEqual(['a', 'b'])
  })

  it('merges scope and scp without duplicates', () => {
    expect(parseScopes({ scope: 'a b', scp: ['b', 'c'] })).toEqual(['a', 'b', 'c'])
  })

  it('drops duplicates in the first-seen order, in short lists and in long ones', () => {
    const names = Array.from({ length: 40 }, (_, i) => `s${i}`)
    const scope = [...names, ...names.slice(0, 20).reverse(), 's3', ''].join(' ')
    const scp = [...names.slice(10, 30), 'extra', 'extra']
    expect(parseScopes({ scope, scp })).toEqual([...names, 'extra'])
    expect(parseScopes({ scope: 'b a b a c' })).toEqual(['b', 'a', 'c'])
    expect(parseScopes({ scope: Array.from({ length: 20_000 }, () => 'same').join(' ') })).toEqual([
      'same',
    ])
  })

  it('ignores a scope that is not a string and scp entries that are not strings', () => {
    expect(parseScopes({ scope: 42, scp: { a: 'b' } })).toEqual([])
    expect(parseScopes({ scp: ['b', 1, null, { c: 1 }, ['d'], ''] })).toEqual(['b'])
  })

  it('reads only own claims, never inherited ones', () => {
    expect(parseScopes(Object.create({ scope: 'inherited' }) as Record<string, unknown>)).toEqual(
      [],
    )
  })

  it('returns a frozen array', () => {
    expect(Object.isFrozen(parseScopes({ scope: 'a' }))).toBe(true)
  })
})
