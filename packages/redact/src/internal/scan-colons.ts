import { censorString, REDACTED, type Mask } from './censor.js'
import { AUTHORIZATION, COOKIE, PLAIN, SET_COOKIE, type KeyClassifier } from './key-kinds.js'

const MAX_NAME_LENGTH = 64
const SPACE = 0x20
const TAB = 0x09
const QUOTE = 0x22
const APOSTROPHE = 0x27
const BACKSLASH = 0x5c

/**
 * Censors `name: value` pairs with a sensitive name in text that is not strict JSON: YAML and
 * log prose (`access_token: T`), pretty-printed JSON (`"access_token" : "T"`), Python and
 * JavaScript literals and `util.inspect` output (`{'access_token': 'T'}`,
 * `authorization: 'Bearer T'`). The name may be quoted with `"` or `'`; the value is the
 * quoted string that follows, or the run up to whitespace, `,`, `;`, `}`, `]` or `)`.
 *
 * Linear: each `:` looks back at most 66 characters, and a quote that is missing is looked
 * for once per kind of quote, not once per colon. Answers `text` itself when nothing changed.
 */
export function scrubColonPairs(text: string, classify: KeyClassifier, mask: Mask): string {
  let colon = text.indexOf(':')
  if (colon === -1) return text
  let result = ''
  let copied = 0
  // Per kind of quote, a span already searched without finding it: never searched twice.
  const searched = { [QUOTE]: { from: -1, to: -1 }, [APOSTROPHE]: { from: -1, to: -1 } }
  while (colon !== -1) {
    let resume = colon + 1
    const found = nameBefore(text, colon)
    let kind = found === undefined ? PLAIN : classify(found.name)
    // Header lines (`Authorization: ...`) are the header pass's; JSON values that are not
    // strings (`"session":{...}`) are the structured walk's or the JSON pass's.
    if (found !== undefined && found.quote === 0 && isHeaderKind(kind)) kind = PLAIN
    let start = colon + 1
    while (text.charCodeAt(start) === SPACE || text.charCodeAt(start) === TAB) start++
    const quote = text.charCodeAt(start)
    if (found?.quote === QUOTE && quote !== QUOTE) kind = PLAIN
    if (
      text.startsWith(
        REDACTED.slice(0, -1),
        quote === QUOTE || quote === APOSTROPHE ? start + 1 : start,
      )
    )
      kind = PLAIN
    if (kind !== PLAIN) {
      let end = -1
      let valueStart = start
      if (quote === QUOTE || quote === APOSTROPHE) {
        const span = searched[quote]
        valueStart = start + 1
        if (!(valueStart >= span.from && valueStart < span.to)) {
          end = closingQuote(text, valueStart, quote)
          if (end < 0) {
            span.from = valueStart
            span.to = -end
          }
        }
      }
      if (end < 0) {
        // No closing quote on the line: the run after the opening one is the value.
        valueStart = quote === QUOTE || quote === APOSTROPHE ? start + 1 : start
        end = runEnd(text, valueStart)
        // `secret: Bearer T`: the credential after a scheme word is part of the value.
        let run = valueStart
        while (SCHEME_WORD.test(text.slice(run, end))) {
          let next = end
          while (text.charCodeAt(next) === SPACE || text.charCodeAt(next) === TAB) next++
          if (next === end || runEnd(text, next) === next) break
          run = next
          end = runEnd(text, next)
        }
      }
      const value = text.slice(valueStart, end)
      const censored = value === '' ? value : censorString(kind, value, mask)
      if (censored !== value) {
        result += text.slice(copied, valueStart) + censored
        copied = end
      }
      resume = Math.max(resume, end)
    }
    colon = text.indexOf(':', resume)
  }
  return copied === 0 ? text : result + text.slice(copied)
}

// The name before the colon at `colon`: optional spaces, an optional closing quote, then
// name characters, with the matching opening quote when there was a closing one.
function nameBefore(text: string, colon: number): { name: string; quote: number } | undefined {
  let end = colon
  while (
    end > 0 &&
    colon - end < 2 &&
    (text.charCodeAt(end - 1) === SPACE || text.charCodeAt(end - 1) === TAB)
  )
    end--
  const closing = text.charCodeAt(end - 1)
  const quoted = closing === QUOTE || closing === APOSTROPHE
  if (quoted) {
    end--
    // An escaped quote (`\"name\":`) is JSON inside a string: the JSON pass handles it.
    if (text.charCodeAt(end - 1) === BACKSLASH) return undefined
  }
  let start = end
  while (start > 0 && end - start <= MAX_NAME_LENGTH && isNameChar(text.charCodeAt(start - 1)))
    start--
  if (start === end || end - start > MAX_NAME_LENGTH) return undefined
  if (quoted && text.charCodeAt(start - 1) !== closing) return undefined
  return { name: text.slice(start, end), quote: quoted ? closing : 0 }
}

function isHeaderKind(kind: number): boolean {
  return kind === AUTHORIZATION || kind === COOKIE || kind === SET_COOKIE
}

// Index of the closing quote; when there is none on the line, minus where the search stopped.
function closingQuote(text: string, from: number, quote: number): number {
  for (let index = from; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code === quote) return index
    if (code === BACKSLASH) index++
    // A value does not run past its line.
    else if (code === 0x0a) return -index
  }
  return -text.length
}

function isNameChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x5f ||
    code === 0x2d ||
    code === 0x2e
  )
}

const SCHEME_WORD = /^(?:bearer|basic|dpop)$/i

function runEnd(text: string, from: number): number {
  let end = from
  while (end < text.length && !isValueStop(text.charCodeAt(end))) end++
  return end
}

// A value ends at whitespace, `,`, `;`, `}`, `]`, `)`, a quote, a backslash, or a `:` (then
// it was the next name: `token: access_token: T`).
function isValueStop(code: number): boolean {
  return (
    code <= 0x20 ||
    code === 0x3a ||
    code === 0x2c ||
    code === 0x3b ||
    code === 0x7d ||
    code === 0x5d ||
    code === 0x29 ||
    code === QUOTE ||
    code === APOSTROPHE ||
    code === BACKSLASH
  )
}
