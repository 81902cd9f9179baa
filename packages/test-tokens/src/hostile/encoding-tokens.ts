import type { HostileContext } from './hostile-context.js'
import { hostileToken, INVALID_REQUEST } from './hostile-token.js'
import type { HostileTokens } from './hostile-tokens.js'
import { encodeJson, signInput } from './jws.js'
import type { JwsParts } from './jws.js'
import type { TestKey } from '../keys/test-key.js'

type EncodingTokens = Pick<HostileTokens, 'nonCanonicalBase64' | 'whitespace'>

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
/** Attempts at a payload whose encoding has a `-` or `_` to turn into `+` or `/`. */
const MAX_ALPHABET_ATTEMPTS = 16

/**
 * Tokens whose bytes a lenient base64 decoder would read back as a valid token, but that
 * are not the one canonical base64url encoding (RFC 7515 §2): a server that accepts them
 * lets one token take many spellings, past deny lists and replay caches keyed on the text.
 * And a token with a space inside, which is not even a `b64token` (RFC 6750 §2.1).
 */
export function encodingTokens(context: HostileContext): EncodingTokens {
  return {
    async nonCanonicalBase64(claims = {}) {
      const parts = await context.mint(claims)
      const key = context.source.key()
      const { encodedHeader, encodedPayload, signature } = parts
      const missing = (4 - (signature.length % 4)) % 4
      return [
        hostileToken(
          'base64-padding',
          'a valid token whose signature carries "=" padding, which base64url in a JWS never has',
          `${encodedHeader}.${encodedPayload}.${signature}${'='.repeat(missing === 0 ? 2 : missing)}`,
        ),
        hostileToken(
          'base64-stray-bits',
          'a valid token with non-zero unused bits in the last character of a segment: the same bytes, another text',
          withStrayBits(parts, key),
        ),
        hostileToken(
          'base64-standard-alphabet',
          'validly signed over its own text, but written in the standard base64 alphabet ("+" and "/" for "-" and "_")',
          inStandardAlphabet(parts, key),
        ),
      ]
    },
    async whitespace(claims = {}) {
      const { encodedHeader, encodedPayload, signature } = await context.mint(claims)
      return hostileToken(
        'whitespace',
        'a valid token with a space after its header: not a b64token, so the Authorization header is malformed (RFC 6750 §2.1, §3.1)',
        `${encodedHeader} .${encodedPayload}.${signature}`,
        { expect: INVALID_REQUEST },
      )
    },
  }
}

// The signature when its last character has unused bits; otherwise (ES384 and ES512
// signatures fill whole quads) the payload, padded with JSON whitespace until its last
// character has some, and signed again over the altered text.
function withStrayBits(parts: JwsParts, key: TestKey): string {
  const { encodedHeader, encodedPayload, signature } = parts
  const strayed = setStrayBits(signature)
  if (strayed !== undefined) return `${encodedHeader}.${encodedPayload}.${strayed}`
  let text = JSON.stringify(parts.payload)
  while (Buffer.byteLength(text) % 3 === 0) text += ' '
  const input = `${encodedHeader}.${setStrayBits(encodeJson(text)) ?? ''}`
  return `${input}.${signInput(key, input)}`
}

function setStrayBits(segment: string): string | undefined {
  // RFC 4648 §3.5: 2 or 3 characters left over carry 4 or 2 bits that must be zero.
  if (segment.length % 4 !== 2 && segment.length % 4 !== 3) return undefined
  const last = ALPHABET.indexOf(segment.at(-1) ?? 'A')
  return segment.slice(0, -1) + (ALPHABET[last | 1] ?? '')
}

// Signs the standard-alphabet text itself, so only the alphabet is wrong. A token with no
// "-" or "_" at all would not change: JSON whitespace after the payload changes its text.
function inStandardAlphabet(parts: JwsParts, key: TestKey): string {
  const header = toStandard(parts.encodedHeader)
  for (let spaces = 0; spaces < MAX_ALPHABET_ATTEMPTS; spaces++) {
    const payload = toStandard(encodeJson(JSON.stringify(parts.payload) + ' '.repeat(spaces)))
    const input = `${header}.${payload}`
    const token = `${input}.${toStandard(signInput(key, input))}`
    if (/[+/]/.test(token)) return token
  }
  throw new Error('@tokenguard/test-tokens: could not spell a token in the standard alphabet')
}

function toStandard(segment: string): string {
  return segment.replaceAll('-', '+').replaceAll('_', '/')
}
