import { createHmac, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createRedactor, redact } from '@tokenguard/redact'
import { jwtShaped, opaque } from './support/secrets.js'

const redactor = createRedactor()

/** Freezes a value and everything in it, so a mutation throws in strict mode. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

describe('createRedactor: fingerprints', () => {
  it('writes the first 8 base64url characters of an HMAC-SHA256 of the secret', () => {
    const key = randomBytes(32)
    const token = opaque()
    const expected = createHmac('sha256', key).update(token).digest('base64url').slice(0, 8)
    const { redactString } = createRedactor({ fingerprint: true, fingerprintKey: key })
    expect(redactString(`Bearer ${token}`)).toBe(`Bearer [REDACTED:${expected}]`)
  })

  it('gives one token the same fingerprint in a header, a query and a JSON body', () => {
    const { redact: redactValue } = createRedactor({ fingerprint: true })
    const token = jwtShaped()
    const out = JSON.stringify(
      redactValue({
        headers: { authorization: `Bearer ${token}` },
        url: `/pets?access_token=${token}`,
        body: JSON.stringify({ access_token: token }),
        message: `refused ${token}`,
      }),
    )
    const fingerprints = [...out.matchAll(/\[REDACTED:([\w-]{8})\]/g)].map((match) => match[1])
    expect(fingerprints).toHaveLength(4)
    expect(new Set(fingerprints).size).toBe(1)
    expect(out).not.toContain(token)
  })

  it('fingerprints a secret that only looks like a censor', () => {
    const plain = createRedactor()
    const keyed = createRedactor({ fingerprint: true })
    for (const password of ['[REDACTEDhunter2', '[REDACTED:hunter22]']) {
      expect(plain.redact({ password })).toEqual({ password: '[REDACTED]' })
      expect(keyed.redact({ password })).not.toEqual({ password })
    }
  })

  it('gives different tokens different fingerprints', () => {
    const { redactString } = createRedactor({ fingerprint: true })
    expect(redactString(`Bearer ${opaque()}`)).not.toBe(redactString(`Bearer ${opaque()}`))
  })

  it('uses one random key per process by default, and the given key otherwise', () => {
    const token = opaque()
    const first = createRedactor({ fingerprint: true }).redactString(`Bearer ${token}`)
    const second = createRedactor({ fingerprint: true }).redactString(`Bearer ${token}`)
    const keyed = createRedactor({ fingerprint: true, fingerprintKey: 'k'.repeat(16) })
    expect(second).toBe(first)
    expect(keyed.redactString(`Bearer ${token}`)).not.toBe(first)
  })

  it('throws at start-up for a short key, or a key without fingerprint: true', () => {
    expect(() => createRedactor({ fingerprint: true, fingerprintKey: 'short' })).toThrow(
      new RangeError(
        '@tokenguard/redact: fingerprintKey must be at least 16 bytes long, e.g. crypto.randomBytes(32)',
      ),
    )
    expect(() => createRedactor({ fingerprintKey: randomBytes(32) })).toThrow(
      new TypeError('@tokenguard/redact: fingerprintKey needs fingerprint: true'),
    )
  })
})

describe('createRedactor: input', () => {
  it('never mutates its input, even when everything in it changes', () => {
    const token = jwtShaped()
    const input = deepFreeze({
      headers: { authorization: `Bearer ${token}`, cookie: 'a=b' },
      list: [`?code=${opaque()}`, { password: 'x' }],
      nested: { deeper: { message: `token ${token}` } },
    })
    const before = structuredClone(input)
    const out = redactor.redact(input)
    expect(input).toEqual(before)
    expect(out).not.toBe(input)
    expect(JSON.stringify(out)).not.toContain(token)
  })

  it('answers the same object, array or string when nothing needs redacting', () => {
    const value = { a: 1, b: ['x', { c: 'hello world' }], d: null, e: undefined }
    expect(redactor.redact(value)).toBe(value)
    const text = 'nothing to see here'
    expect(redactor.redact(text)).toBe(text)
    expect(redactor.redactString(text)).toBe(text)
  })

  it('shares the parts that need no change with the input', () => {
    const clean = { deep: { list: [1, 2, 3] } }
    const out = redactor.redact({ clean, token: 'x' }) as { clean: unknown }
    expect(out.clean).toBe(clean)
  })

  it('answers primitives as they are', () => {
    for (const value of [1, 0n, true, null, undefined, Symbol.for('x')]) {
      expect(redactor.redact(value)).toBe(value)
    }
  })

  it('is the redact of a shared default redactor', () => {
    expect(redact({ access_token: 'x' })).toEqual({ access_token: '[REDACTED]' })
  })
})

describe('createRedactor: prototype pollution', () => {
  it('copies a __proto__ key from JSON.parse as data, never as a prototype', () => {
    const input = JSON.parse(
      `{"__proto__":{"polluted":true,"token":"${opaque()}"},"token":"x"}`,
    ) as object
    const out = redactor.redact(input) as Record<string, unknown>
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.hasOwn(out, '__proto__')).toBe(true)
    expect(out['__proto__']).toEqual({ polluted: true, token: '[REDACTED]' })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('leaves Object.prototype alone for constructor.prototype keys and __proto__ paths', () => {
    const custom = createRedactor({ paths: ['__proto__.polluted', 'constructor.prototype.x'] })
    const input = JSON.parse(
      '{"constructor":{"prototype":{"x":"y","token":"t"}},"__proto__":{"polluted":"p"}}',
    ) as object
    const out = custom.redact(input) as Record<string, Record<string, unknown>>
    expect(out.constructor).toEqual({ prototype: { x: '[REDACTED]', token: '[REDACTED]' } })
    expect(out['__proto__']).toEqual({ polluted: '[REDACTED]' })
    expect(Object.prototype).not.toHaveProperty('polluted')
    expect(Object.prototype).not.toHaveProperty('x')
  })

  it('never reads inherited properties', () => {
    const proto = { token: opaque() }
    const child = Object.create(proto) as Record<string, unknown>
    child.name = 'ann'
    expect(redactor.redact(child)).toEqual({ name: 'ann' })
  })
})

describe('createRedactor: cycles and bounds', () => {
  it('writes [Circular] for an object that contains itself', () => {
    const value: Record<string, unknown> = { name: 'a', token: 't' }
    value.self = value
    value.list = [value]
    expect(redactor.redact(value)).toEqual({
      name: 'a',
      token: '[REDACTED]',
      self: '[Circular]',
      list: ['[Circular]'],
    })
  })

  it('writes [Circular] for cycles through Maps, Sets and error causes', () => {
    const map = new Map<string, unknown>()
    map.set('me', map)
    const set = new Set<unknown>()
    set.add(set)
    const first = new Error('first')
    const second = new Error('second', { cause: first })
    Object.defineProperty(first, 'cause', { value: second })
    expect(redactor.redact(map)).toEqual(new Map([['me', '[Circular]']]))
    expect(redactor.redact(set)).toEqual(new Set(['[Circular]']))
    const out = redactor.redact(first) as Error
    expect((out.cause as Error).cause).toBe('[Circular]')
  })

  it('keeps an object that appears twice without a cycle', () => {
    const shared = { token: 'x' }
    expect(redactor.redact({ a: shared, b: shared })).toEqual({
      a: { token: '[REDACTED]' },
      b: { token: '[REDACTED]' },
    })
  })

  it('writes [Truncated] below maxDepth and survives very deep nesting', () => {
    let deep: Record<string, unknown> = { token: 'x' }
    for (let level = 0; level < 100_000; level++) deep = { next: deep }
    const out = createRedactor({ maxDepth: 3 }).redact(deep)
    expect(out).toEqual({ next: { next: { next: '[Truncated]' } } })
    expect(() => redactor.redact(deep)).not.toThrow()
  })

  it('walks at most maxKeys entries of an object, an array, a Map or a Set', () => {
    const small = createRedactor({ maxKeys: 2 })
    expect(small.redact({ a: 1, b: 2, c: 3, d: 4 })).toEqual({
      a: 1,
      b: 2,
      '[Truncated]': '2 more keys',
    })
    expect(small.redact([1, 2, 3])).toEqual([1, 2, '[Truncated] 1 more items'])
    expect(
      small.redact(
        new Map([
          ['a', 1],
          ['b', 2],
          ['c', 3],
        ]),
      ),
    ).toEqual(
      new Map<string, unknown>([
        ['a', 1],
        ['b', 2],
        ['[Truncated]', '1 more entries'],
      ]),
    )
    expect(small.redact(new Set([1, 2, 3]))).toEqual(new Set([1, 2, '[Truncated] 1 more items']))
  })

  it('stops after maxNodes values and writes [Truncated] for the rest', () => {
    const out = createRedactor({ maxNodes: 3 }).redact({ a: 'x', b: 'y', c: 'z', d: 'w' })
    expect(out).toEqual({ a: 'x', b: 'y', c: 'z', d: '[Truncated]' })
  })

  it('bounds a huge input in time: 100,000 entries, a 10 MB string', () => {
    const wide: Record<string, number> = {}
    for (let index = 0; index < 100_000; index++) wide[`k${index}`] = index
    const long = `${'a '.repeat(5_000_000)}Bearer ${opaque()}`
    const started = performance.now()
    const out = redactor.redact({ wide, long, list: new Array(100_000).fill('x') }) as Record<
      string,
      unknown
    >
    expect(performance.now() - started).toBeLessThan(5_000)
    expect(Object.keys(out.wide as object)).toHaveLength(1_001)
    expect((out.long as string).length).toBeLessThan(16_400)
    expect(out.list as unknown[]).toHaveLength(1_001)
  })

  it('cuts a long string and drops a credential the cut goes through', () => {
    const token = jwtShaped()
    const text = `${'x '.repeat(10)}${token}`
    const out = createRedactor({ maxStringLength: 40 }).redactString(text)
    expect(out).toBe(`${'x '.repeat(10)}...[Truncated]`)
    expect(out).not.toContain(token.slice(0, 20))
  })
})

describe('createRedactor: errors', () => {
  it('redacts the message, stack and cause, and keeps the prototype', () => {
    class UpstreamFailure extends Error {
      override readonly name = 'UpstreamFailure'
      readonly status = 502
    }
    const token = jwtShaped()
    const error = new UpstreamFailure(`upstream refused Bearer ${token}`, {
      cause: new Error(`body {"access_token":"${token}"}`),
    })
    const out = redactor.redact(error) as UpstreamFailure
    expect(out).toBeInstanceOf(UpstreamFailure)
    expect(out).not.toBe(error)
    expect(out.message).toBe('upstream refused Bearer [REDACTED]')
    expect(out.stack).toMatch(/^UpstreamFailure: upstream refused Bearer \[REDACTED\]\n {4}at /)
    expect((out.cause as Error).message).toBe('body {"access_token":"[REDACTED]"}')
    expect(out.status).toBe(502)
    expect(Object.keys(out)).toEqual(Object.keys(error))
    expect(error.message).toContain(token)
  })

  it('redacts the enumerable fields of an error by key and by value', () => {
    const error = Object.assign(new Error('request failed'), {
      config: { headers: { Authorization: `Bearer ${opaque()}` }, url: `/x?token=${opaque()}` },
      code: 'ECONNRESET',
    })
    const out = redactor.redact(error) as typeof error
    expect(out.config).toEqual({
      headers: { Authorization: 'Bearer [REDACTED]' },
      url: '/x?token=[REDACTED]',
    })
    expect(out.code).toBe('ECONNRESET')
  })

  it('redacts the errors of an AggregateError', () => {
    const token = opaque()
    const out = redactor.redact(new AggregateError([new Error(`Bearer ${token}`)], 'all failed'))
    expect(((out as AggregateError).errors[0] as Error).message).toBe('Bearer [REDACTED]')
  })

  it('redacts an error from another realm', async () => {
    const { runInNewContext } = await import('node:vm')
    const foreign = runInNewContext('new TypeError("refused Bearer abcdef123")') as Error
    expect(foreign).not.toBeInstanceOf(Error)
    expect((redactor.redact(foreign) as Error).message).toBe('refused Bearer [REDACTED]')
  })

  it('answers an error copy it made as it is, without walking it again', () => {
    const copy = redactor.redact(new Error(`Bearer ${opaque()}`))
    expect(redactor.redact(copy)).toBe(copy)
  })

  it('answers the same error when nothing needs redacting', () => {
    const error = new Error('plain failure', { cause: new Error('inner') })
    expect(redactor.redact(error)).toBe(error)
  })
})

describe('createRedactor: objects of other kinds', () => {
  it('keeps Dates and RegExps, and writes binary data as its size', () => {
    const date = new Date(0)
    const out = redactor.redact({
      date,
      pattern: /x/,
      buffer: Buffer.from('Bearer abc'),
    }) as Record<string, unknown>
    expect(out.date).toBe(date)
    expect(out.buffer).toBe('[Binary: 10 bytes]')
  })

  it('redacts what JSON.stringify would write for an object with toJSON, such as a URL', () => {
    const secret = opaque()
    expect(redactor.redact({ url: new URL(`https://api.example/cb?code=${secret}`) })).toEqual({
      url: 'https://api.example/cb?code=[REDACTED]',
    })
  })

  it('copies a class instance into a plain object of its own fields', () => {
    class Session {
      readonly user = 'ann'
      readonly token = opaque()
      describe(): string {
        return this.user
      }
    }
    expect(redactor.redact(new Session())).toEqual({ user: 'ann', token: '[REDACTED]' })
  })

  it('writes [Unreadable] for a getter or a Proxy that throws, and goes on', () => {
    const value = {
      get broken(): string {
        throw new Error('no')
      },
      fine: 'ok',
      proxy: new Proxy(
        {},
        {
          ownKeys() {
            throw new Error('trap')
          },
        },
      ),
    }
    expect(redactor.redact(value)).toEqual({
      broken: '[Unreadable]',
      fine: 'ok',
      proxy: '[Unreadable]',
    })
  })

  it('reads each getter once, so what is written is what was scanned', () => {
    let reads = 0
    const value = {
      get token(): string {
        reads++
        return 'x'
      },
      url: `/?code=${opaque()}`,
    }
    redactor.redact(value)
    expect(reads).toBe(1)
  })

  it('summarises a request instead of walking its socket', async () => {
    const { IncomingMessage } = await import('node:http')
    const { Socket } = await import('node:net')
    const req = new IncomingMessage(new Socket())
    req.method = 'GET'
    req.url = `/pets?access_token=${opaque()}`
    req.headers = { authorization: `Bearer ${opaque()}`, host: 'api' }
    expect(redactor.redact({ req })).toEqual({
      req: {
        method: 'GET',
        url: '/pets?access_token=[REDACTED]',
        headers: { authorization: 'Bearer [REDACTED]', host: 'api' },
        remoteAddress: undefined,
        remotePort: undefined,
      },
    })
  })
})

describe('createRedactor: options', () => {
  it('throws a TypeError naming an unknown option, with a suggestion', () => {
    expect(() => createRedactor({ fingerprints: true } as never)).toThrow(
      new TypeError(
        '@tokenguard/redact: unknown option "fingerprints". Did you mean "fingerprint"?',
      ),
    )
  })

  it.each([
    [{ maxDepth: 0 }, RangeError, 'maxDepth must be a positive integer, e.g. 8'],
    [{ maxKeys: 1.5 }, RangeError, 'maxKeys must be a positive integer, e.g. 1000'],
    [{ maxNodes: -1 }, RangeError, 'maxNodes must be a positive integer, e.g. 10000'],
    [
      { maxStringLength: '10' },
      RangeError,
      'maxStringLength must be a positive integer, e.g. 16384',
    ],
    [{ keys: 'token' }, TypeError, 'keys must be an array of non-empty strings'],
    [{ paths: [''] }, TypeError, 'paths must be an array of non-empty strings'],
    [{ fingerprint: 'yes' }, TypeError, 'fingerprint must be true or false'],
    [
      { fingerprint: true, fingerprintKey: 42 },
      TypeError,
      'fingerprintKey must be a string or a Uint8Array',
    ],
  ])('throws at start-up for %j', (options, type, message) => {
    expect(() => createRedactor(options as never)).toThrow(
      new type(`@tokenguard/redact: ${message}`),
    )
  })
})
