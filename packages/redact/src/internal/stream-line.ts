import type { Redactor } from '../redactor.js'
import { TRUNCATED } from './walk.js'

/**
 * One finished pino line, redacted, still one line: the value patterns run over it, and any
 * line break a replacement could bring is escaped. A line too long for the redactor is not
 * cut mid-JSON (which would glue the next line onto it): it is parsed and redacted as an
 * object (each string cut to the redactor's bound) and written again, or, when it is not
 * JSON, kept as the redacted start of its text inside `{"truncated":true,"line":...}`. The
 * line's own newline always ends the result, so one write never changes the line count.
 */
export function redactLine(redactor: Redactor, line: string): string {
  const ending = line.endsWith('\n') ? '\n' : ''
  const body = ending === '' ? line : line.slice(0, -1)
  const redacted = redactor.redactString(body)
  if (!redacted.endsWith(TRUNCATED) || body.endsWith(TRUNCATED)) return oneLine(redacted) + ending
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    parsed = undefined
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const walked = shorten(redactor.redact(parsed), 0) as Record<string, unknown>
    return `${JSON.stringify({ ...walked, truncated: true })}${ending || '\n'}`
  }
  return `${JSON.stringify({ truncated: true, line: redacted })}${ending || '\n'}`
}

function oneLine(text: string): string {
  return text.includes('\n') || text.includes('\r')
    ? text.replace(/\r/g, '\\r').replace(/\n/g, '\\n')
    : text
}

const MAX_KEPT_STRING = 1024

// The line was too long: every long string keeps its first KiB (cut between words).
function shorten(value: unknown, depth: number): unknown {
  if (typeof value === 'string') {
    if (value.length <= MAX_KEPT_STRING) return value
    const cut = value.lastIndexOf(' ', MAX_KEPT_STRING)
    return `${value.slice(0, cut > 0 ? cut : 0)}...${TRUNCATED}`
  }
  if (depth > 8 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((item: unknown) => shorten(item, depth + 1))
  const copy: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) copy[key] = shorten(item, depth + 1)
  return copy
}
