import type { Redactor } from '../redactor.js'
import { setOwn } from './own-properties.js'

/**
 * Redacts the entries of a log object except those `keep` says to leave alone (for their
 * serializer to handle), copying only when needed. Reads each entry once; never mutates
 * `object`.
 */
export function redactExcept(
  redactor: Redactor,
  object: object,
  keep: (key: string, value: unknown) => boolean,
): unknown {
  const source = object as Record<string, unknown>
  const keys = Object.keys(source)
  const values = keys.map((key) => source[key])
  const kept = keys.map((key, index) => keep(key, values[index]))
  if (!kept.includes(true)) return redactor.redact(object)
  const rest: Record<string, unknown> = {}
  keys.forEach((key, index) => {
    if (!kept[index]) setOwn(rest, key, values[index])
  })
  const redacted = redactor.redact(rest) as Record<string, unknown>
  const result: Record<string, unknown> = {}
  keys.forEach((key, index) => setOwn(result, key, kept[index] ? values[index] : redacted[key]))
  return result
}
