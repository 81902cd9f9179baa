import type { PeekedToken } from '@tokenguard/core/internal'

/**
 * What a JWT-shaped token says about itself, without verifying anything: `alg` and `kid` of
 * its header, `iss` and `aud` of its claims, for the operator's refusal report. Any part
 * that does not decode to a JSON object says nothing. Never used to decide anything.
 */
export function peekJwt(token: string): PeekedToken | undefined {
  const first = token.indexOf('.')
  const second = first === -1 ? -1 : token.indexOf('.', first + 1)
  if (second === -1) return undefined
  const header = decode(token.slice(0, first))
  const claims = decode(token.slice(first + 1, second))
  return { alg: header?.alg, kid: header?.kid, iss: claims?.iss, aud: claims?.aud }
}

function decode(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
