import { censorString, type Mask } from './censor.js'
import { CODE, PLAIN, type KeyClassifier } from './key-kinds.js'

const MAX_NAME_LENGTH = 64
const QUOTE = 0x22
const BACKSLASH = 0x5c
const CLOSE_BRACKET = 0x5d

/**
 * Censors, in one pass over the text, the value of every pair whose name is sensitive:
 * - `name=value`: query strings, form bodies, fragments, cookies, `key=value` in prose; the
 *   name may be percent-encoded (`access%5Ftoken`) or end in brackets (`access_token[]`);
 * - `"name":"value"` and `"name":123` in JSON text, also escaped inside another JSON string
 *   (`\"access_token\":\"...\"`); objects and arrays are left to the structured walk.
 * Answers `text` itself when nothing changed.
 */
export function scrubPairs(text: string, classify: KeyClassifier, mask: Mask): string {
  let equals = text.indexOf('=')
  // The quote of each `":`; the colon is one further.
  let quoteColon = text.indexOf('":')
  let result: string | undefined
  let copied = 0
  // Hops from one candidate to the next with native searches: most text has few of them.
  while (equals !== -1 || quoteColon !== -1) {
    const atEquals = quoteColon === -1 || (equals !== -1 && equals < quoteColon)
    const position = atEquals ? equals : quoteColon + 1
    const span = atEquals
      ? paramValue(text, position, classify, mask)
      : jsonValue(text, position, classify, mask)
    let resume = position + 1
    if (span !== undefined) {
      const [start, end, censored] = span
      result = (result ?? '') + text.slice(copied, start) + censored
      copied = end
      resume = end
    }
    if (equals !== -1 && equals < resume) equals = text.indexOf('=', resume)
    if (quoteColon !== -1 && quoteColon < resume) quoteColon = text.indexOf('":', resume)
  }
  return result === undefined ? text : result + text.slice(copied)
}

// The value after the `=` at `equals`, censored, when the name before it is sensitive.
function paramValue(
  text: string,
  equals: number,
  classify: KeyClassifier,
  mask: Mask,
): [number, number, string] | undefined {
  const last = text.charCodeAt(equals - 1)
  if (last !== CLOSE_BRACKET && !classify.mayEndKey(text.charCodeAt(equals - 2), last)) {
    return undefined
  }
  let start = equals
  while (start > 0 && equals - start <= MAX_NAME_LENGTH && isNameChar(text.charCodeAt(start - 1))) {
    start--
  }
  if (start === equals || equals - start > MAX_NAME_LENGTH) return undefined
  const kind = classify(stripBrackets(text.slice(start, equals)))
  if (kind === PLAIN) return undefined
  let end = equals + 1
  while (end < text.length && !isValueStop(text.charCodeAt(end))) end++
  return censor(text, equals + 1, end, censorString(kind, text.slice(equals + 1, end), mask))
}

// The value after the `":` at `colon`, censored, when the JSON name before it is sensitive.
function jsonValue(
  text: string,
  colon: number,
  classify: KeyClassifier,
  mask: Mask,
): [number, number, string] | undefined {
  const escaped = text.charCodeAt(colon - 2) === BACKSLASH
  const nameEnd = escaped ? colon - 2 : colon - 1
  if (!classify.mayEndKey(text.charCodeAt(nameEnd - 2), text.charCodeAt(nameEnd - 1))) {
    return undefined
  }
  const open = text.lastIndexOf('"', nameEnd - 1)
  const nameStart = open + 1
  if (open === -1 || nameEnd - nameStart > MAX_NAME_LENGTH || nameEnd <= nameStart) return undefined
  const kind = classify(text.slice(nameStart, nameEnd))
  if (kind === PLAIN) return undefined
  let start = colon + 1
  while (text.charCodeAt(start) === 0x20) start++
  const quote = escaped ? '\\"' : '"'
  if (text.startsWith(quote, start)) {
    const valueStart = start + quote.length
    const valueEnd = escaped ? text.indexOf(quote, valueStart) : stringEnd(text, valueStart)
    if (valueEnd === -1) return undefined
    const value = text.slice(valueStart, valueEnd)
    return censor(text, valueStart, valueEnd, censorString(kind, value, mask))
  }
  if (kind === CODE) return undefined
  let end = start
  while (end < text.length && isNumberChar(text.charCodeAt(end))) end++
  if (end === start) return undefined
  // A number under a sensitive name (a PIN) becomes a string: the line stays valid JSON.
  return [start, end, `${quote}${mask(text.slice(start, end))}${quote}`]
}

// A replacement, or nothing when the censor changed nothing (an empty or censored value).
function censor(
  text: string,
  start: number,
  end: number,
  censored: string,
): [number, number, string] | undefined {
  return end > start && censored !== text.slice(start, end) ? [start, end, censored] : undefined
}

// Index of the closing quote of a JSON string whose content starts at `start`.
function stringEnd(text: string, start: number): number {
  for (let index = start; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code === QUOTE) return index
    if (code === BACKSLASH) index++
  }
  return -1
}

function stripBrackets(name: string): string {
  const bracket = name.indexOf('[')
  return bracket > 0 ? name.slice(0, bracket) : name
}

// Characters of a parameter name: letters, digits, `_`, `-`, `.`, `%`, `[`, `]`.
function isNameChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x5f ||
    code === 0x2d ||
    code === 0x2e ||
    code === 0x25 ||
    code === 0x5b ||
    code === CLOSE_BRACKET
  )
}

// A value ends at `&`, `#`, `;`, `,`, whitespace, a quote, a backslash, `<` or `>`.
function isValueStop(code: number): boolean {
  return (
    code <= 0x20 ||
    code === 0x26 ||
    code === 0x23 ||
    code === 0x3b ||
    code === 0x2c ||
    code === QUOTE ||
    code === 0x27 ||
    code === BACKSLASH ||
    code === 0x3c ||
    code === 0x3e
  )
}

// Characters of a JSON number.
function isNumberChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2d ||
    code === 0x2e ||
    code === 0x2b ||
    code === 0x65 ||
    code === 0x45
  )
}
