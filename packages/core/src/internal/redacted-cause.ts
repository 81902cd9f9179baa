/** Properties of a Node.js network error that say what happened and hold no secret. */
const SAFE_MEMBERS = ['code', 'errno', 'syscall', 'address', 'port', 'hostname'] as const
const MAX_DEPTH = 4
const MAX_MESSAGE = 512

/**
 * A copy of `error` for logs: its name, its message with credentials taken out, the fields
 * that say what failed (`code` such as `ECONNREFUSED`, `syscall`, `address`, `port`,
 * `hostname`), and its own causes the same way, at most four deep. A fetch that fails
 * throws `TypeError: fetch failed` whose `cause` is the useful part; an injected `fetch` or a
 * proxy may put anything in a message, so URL userinfo and query strings, `Bearer`/`Basic`
 * credentials and long token-like runs are replaced by `[redacted]`. Returns `undefined` for
 * a value that is not an Error.
 *
 * @example
 * throw new UpstreamError(`${url} could not be reached`, 'network', undefined, redactedCause(error))
 */
export function redactedCause(error: unknown, depth = 0): Error | undefined {
  if (!(error instanceof Error) || depth >= MAX_DEPTH) return undefined
  const cause = redactedCause(error.cause, depth + 1)
  const copy = new Error(scrub(error.message), cause === undefined ? undefined : { cause })
  copy.name = scrub(String(error.name)).slice(0, 64)
  const record = error as unknown as Record<string, unknown>
  for (const member of SAFE_MEMBERS) {
    const value = record[member]
    if (typeof value === 'number' || typeof value === 'string') {
      ;(copy as unknown as Record<string, unknown>)[member] =
        typeof value === 'string' ? scrub(value).slice(0, 128) : value
    }
  }
  // The stack of the copy would point here; the original's may quote the message.
  copy.stack = `${copy.name}: ${copy.message}`
  return copy
}

function scrub(text: string): string {
  return text
    .slice(0, MAX_MESSAGE)
    .replace(/(\/\/)[^/\s@]*@/g, '$1[redacted]@')
    .replace(/\?[^\s#]*/g, '?[redacted]')
    .replace(/\b(Bearer|Basic|DPoP)\s+[^\s,;]+/gi, '$1 [redacted]')
    .replace(/[A-Za-z0-9_~+/-]{24,}={0,2}/g, '[redacted]')
}
