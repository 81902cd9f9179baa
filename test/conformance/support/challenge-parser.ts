/** One challenge of a `WWW-Authenticate` field value (RFC 9110 §11.6.1). */
export interface ParsedChallenge {
  /** The auth-scheme, as sent. */
  readonly scheme: string
  /** The token68, when the challenge carries one instead of parameters. */
  readonly token68?: string
  /** The auth-params, in order, with quoted-strings unescaped. */
  readonly params: readonly (readonly [name: string, value: string])[]
}

// RFC 9110 §5.6.2 tchar, §11.2 token68, §5.6.4 qdtext and quoted-pair.
const TCHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/
const QDTEXT = /[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]/
const QUOTED_PAIR_CHAR = /[\t \x21-\x7e\x80-\xff]/

/**
 * A strict parser of `WWW-Authenticate = #challenge` (RFC 9110 §11.6.1), written for the
 * tests from the ABNF and independent of the code that formats challenges. Throws a
 * `SyntaxError` naming the position of the first character that does not fit.
 *
 * @example
 * parseChallenges('Bearer realm="api", error="invalid_token"')
 * // [{ scheme: 'Bearer', params: [['realm', 'api'], ['error', 'invalid_token']] }]
 */
export function parseChallenges(header: string): ParsedChallenge[] {
  const text = header
  let at = 0
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at ${at} of ${JSON.stringify(text.slice(0, 200))}`)
  }
  const ows = (): void => {
    while (text[at] === ' ' || text[at] === '\t') at++
  }
  const token = (): string => {
    const start = at
    while (at < text.length && TCHAR.test(text[at]!)) at++
    return text.slice(start, at)
  }
  const quoted = (): string => {
    if (text[at] !== '"') fail('expected a quoted-string')
    at++
    let value = ''
    for (;;) {
      const char = text[at]
      if (char === undefined) return fail('unterminated quoted-string')
      if (char === '"') {
        at++
        return value
      }
      if (char === '\\') {
        const next = text[at + 1]
        if (next === undefined || !QUOTED_PAIR_CHAR.test(next)) fail('bad quoted-pair')
        value += next
        at += 2
        continue
      }
      if (!QDTEXT.test(char)) fail('character not allowed in a quoted-string')
      value += char
      at++
    }
  }
  // True when an auth-param (token BWS "=") starts at `from`, not a token68 or a scheme.
  const paramAhead = (from: number): boolean => {
    let index = from
    while (index < text.length && TCHAR.test(text[index]!)) index++
    if (index === from) return false
    while (text[index] === ' ' || text[index] === '\t') index++
    if (text[index] !== '=') return false
    // `token68` may end in "=": "abc=" followed by "," or the end is a token68, not a param.
    let after = index + 1
    while (text[after] === '=') after++
    while (text[after] === ' ' || text[after] === '\t') after++
    return !(after >= text.length || text[after] === ',') || text[index + 1] === '"'
  }

  const challenges: ParsedChallenge[] = []
  // Empty list elements are allowed around commas (RFC 9110 §5.6.1.2).
  const skipEmpty = (): void => {
    for (;;) {
      ows()
      if (text[at] !== ',') return
      at++
    }
  }
  skipEmpty()
  if (at >= text.length) fail('no challenge')
  while (at < text.length) {
    const scheme = token()
    if (scheme === '') fail('expected an auth-scheme')
    const params: [string, string][] = []
    let token68: string | undefined
    if (text[at] === ' ') {
      while (text[at] === ' ') at++
      if (paramAhead(at)) {
        for (;;) {
          const name = token()
          ows()
          if (text[at] !== '=') fail('expected "="')
          at++
          ows()
          const value = text[at] === '"' ? quoted() : token()
          if (value === '' && text[at - 1] !== '"') fail('expected a token or a quoted-string')
          params.push([name, value])
          const mark = at
          ows()
          if (text[at] !== ',') break
          at++
          ows()
          while (text[at] === ',') {
            at++
            ows()
          }
          if (!paramAhead(at)) {
            at = mark
            break
          }
        }
      } else if (at < text.length && text[at] !== ',') {
        const start = at
        while (at < text.length && TOKEN68_CHAR.test(text[at]!)) at++
        while (text[at] === '=') at++
        if (at === start) fail('expected a token68 or an auth-param')
        token68 = text.slice(start, at)
      }
    }
    challenges.push(token68 === undefined ? { scheme, params } : { scheme, token68, params })
    ows()
    if (at >= text.length) break
    if (text[at] !== ',') fail('expected "," between challenges')
    skipEmpty()
  }
  return challenges
}

/** The value of parameter `name` (case-insensitive) of `challenge`, if present. */
export function paramOf(challenge: ParsedChallenge, name: string): string | undefined {
  const lower = name.toLowerCase()
  return challenge.params.find(([key]) => key.toLowerCase() === lower)?.[1]
}
