/**
 * The JSON text of `value`, or `undefined` when it has none (`undefined`, a function, a
 * symbol) or cannot be serialised (a cycle, a `BigInt`).
 */
export function encodeJson(value: unknown): string | undefined {
  try {
    const text: unknown = JSON.stringify(value)
    return typeof text === 'string' ? text : undefined
  } catch {
    return undefined
  }
}

/**
 * The value of a `GET` reply: `undefined` for a missing key, for anything that is not JSON
 * (written by something else, or cut short), for JSON `null`, and for a reply longer than
 * `maxBytes`, which is not parsed at all.
 */
export function decodeJson<V>(reply: unknown, maxBytes: number): V | undefined {
  let text: string
  if (typeof reply === 'string' && Buffer.byteLength(reply, 'utf8') <= maxBytes) text = reply
  else if (Buffer.isBuffer(reply) && reply.length <= maxBytes) text = reply.toString('utf8')
  else return undefined
  try {
    const value = JSON.parse(text) as V | null
    return value ?? undefined
  } catch {
    return undefined
  }
}
