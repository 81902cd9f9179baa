import { inspect } from 'node:util'
import { createRedactor, createPinoHooks, redact } from '@tokenguard/redact'
import { createTestIssuer } from '@tokenguard/test-tokens'
import fc from 'fast-check'
import { pino } from 'pino'
import { beforeAll, describe, expect, it } from 'vitest'

// The shapes through which a secret still reached a log (issue "redact, round 2"): each one
// planted with a real opaque token and a real JWT from a test issuer.

let tokens: { name: string; value: string }[] = []

beforeAll(async () => {
  const issuer = await createTestIssuer()
  tokens = [
    { name: 'a JWT', value: await issuer.sign({ sub: 'alice', scope: 'pets:read' }) },
    { name: 'an opaque token', value: issuer.issueOpaque({ sub: 'alice' }) },
  ]
})

/** Everything that could reach a log of `value` once redacted: JSON, inspect, String. */
function written(value: unknown): string {
  const out = redact(value)
  return [
    JSON.stringify(out) ?? '',
    inspect(out, { depth: 10, showHidden: true }),
    String(out),
  ].join('\n')
}

const shapes: [string, (token: string) => unknown][] = [
  ['a plain object with toJSON', (t) => ({ toJSON: () => ({ access_token: t }) })],
  ['a raw header array (rawHeaders)', (t) => ['Host', 'api', 'Cookie', `sid=${t}`, 'X-Api-Key', t]],
  ['a raw header array with Authorization', (t) => ['authorization', `Bearer ${t}`]],
  ['YAML-like text', (t) => `access_token: ${t}`],
  ['a line of text with a newline', (t) => `refresh_token: ${t}\nnext line`],
  ['pretty JSON with spaces around the colon', (t) => `{"access_token" : "${t}"}`],
  ['a Python or JS literal', (t) => `{'access_token': '${t}'}`],
  [
    'util.inspect output in an error message',
    (t) =>
      new Error(
        `failed: ${inspect({ headers: { authorization: `Bearer ${t}` }, access_token: t })}`,
      ),
  ],
  [
    'a percent-encoded nested query string',
    (t) => `/login?return_to=%2Fcb%3Faccess_token%3D${encodeURIComponent(t)}`,
  ],
  [
    'a doubly encoded nested query string',
    (t) =>
      `/login?next=${encodeURIComponent(`/a?return_to=${encodeURIComponent(`/cb?access_token=${t}`)}`)}`,
  ],
  ['secretAccessKey', (t) => ({ secretAccessKey: t })],
  ['jwt', (t) => ({ jwt: t })],
  ['session', (t) => ({ session: t })],
  ['sid', (t) => ({ sid: t })],
  ['sessionId', (t) => ({ sessionId: t })],
  ['pwd', (t) => ({ pwd: t })],
  ['pass', (t) => ({ pass: t })],
  ['signingKey', (t) => ({ signingKey: t })],
  ['signing-key and SIGNING_KEY', (t) => ({ 'signing-key': t, SIGNING_KEY: t })],
  ['a tokens object', (t) => ({ tokens: { access: t, refresh: t } })],
  ['Bearer with any credential in prose', (t) => `retried with Bearer ${t} twice`],
]

describe('redact: shapes that leaked', () => {
  for (const [shape, make] of shapes) {
    it(`keeps a token out of ${shape}`, () => {
      for (const token of tokens)
        expect(written(make(token.value)).includes(token.value), token.name).toBe(false)
    })
  }

  it('reads a getter once and logs what it read, not what a second read answers', () => {
    const token = tokens[1]?.value ?? ''
    let reads = 0
    const value = Object.defineProperty({ id: 1 }, 'note', {
      enumerable: true,
      get: () => (reads++ === 0 ? 'fine' : `Bearer ${token}`),
    })
    const out = redact(value)
    expect(reads).toBe(1)
    expect(JSON.stringify(out)).toBe('{"id":1,"note":"fine"}')
    expect(reads).toBe(1)
  })

  it('treats "Bearer" followed by a word as a credential too', () => {
    expect(redact('Authorization was Bearer hunter2 yesterday')).toBe(
      'Authorization was Bearer [REDACTED] yesterday',
    )
  })

  it('still keeps the benign keys: max_tokens, token_type, tokens as a count, passage, session_count', () => {
    const benign = {
      max_tokens: 100,
      token_type: 'Bearer',
      tokens: 3,
      passage: 'x',
      session_count: 2,
      compass: 'n',
      bypass: true,
    }
    expect(redact(benign)).toEqual(benign)
  })

  it('never lets a planted secret through, whatever adversarial text surrounds it (property)', () => {
    const token = tokens[1]?.value ?? ''
    const pieces = [
      'eyJ',
      'Bearer ',
      '%3D',
      'access_token=',
      '"',
      "'",
      '://',
      ':',
      ' : ',
      '=',
      '&',
      '\n',
      '\\"',
      'a@',
      'token',
      '{',
      '}',
    ]
    const noise = fc
      .array(fc.constantFrom(...pieces), { maxLength: 40 })
      .map((parts) => parts.join(''))
    const carriers = [
      (t: string) => `access_token=${t}`,
      (t: string) => `Bearer ${t}`,
      (t: string) => `"access_token":"${t}"`,
      (t: string) => `access_token: ${t}`,
      (t: string) => `{'refresh_token': '${t}'}`,
      (t: string) => `?x=1&code=${t}`,
    ]
    fc.assert(
      fc.property(noise, fc.constantFrom(...carriers), noise, (before, carrier, after) => {
        const text = `${before} ${carrier(token)} ${after}`
        return !String(redact(text)).includes(token)
      }),
      { numRuns: 500 },
    )
  })
})

describe('createPinoHooks: streamWrite', () => {
  it('keeps one line per write: an overlong line is cut inside its JSON and keeps its newline', () => {
    const token = tokens[0]?.value ?? ''
    const chunks: string[] = []
    const logger = pino(
      { hooks: createPinoHooks(createRedactor()) },
      { write: (chunk: string) => void chunks.push(chunk) },
    )
    logger.info(
      { a: 'word '.repeat(2000), b: 'more '.repeat(2000), note: `Bearer ${token}` },
      'request',
    )
    logger.info('the next line')
    const text = chunks.join('')
    const lines = text.split('\n')
    expect(lines.at(-1)).toBe('')
    expect(lines).toHaveLength(3)
    const [first, second] = lines.map((line) =>
      line === '' ? undefined : (JSON.parse(line) as Record<string, unknown>),
    )
    expect(first).toMatchObject({ msg: 'request', truncated: true })
    expect(second).toMatchObject({ msg: 'the next line' })
    expect(text.includes(token)).toBe(false)
    expect(lines[0]?.length).toBeLessThan(10_000)
    expect(
      chunks.every((chunk) => chunk.endsWith('\n') && chunk.indexOf('\n') === chunk.length - 1),
    ).toBe(true)
  })

  it('keeps a non-JSON overlong write one line too', () => {
    const hooks = createPinoHooks(createRedactor({ maxStringLength: 64 }))
    const out = hooks.streamWrite(`${'x '.repeat(100)}Bearer abc\n`)
    expect(out.endsWith('\n')).toBe(true)
    expect(out.split('\n')).toHaveLength(2)
    expect(JSON.parse(out)).toMatchObject({ truncated: true })
  })
})
