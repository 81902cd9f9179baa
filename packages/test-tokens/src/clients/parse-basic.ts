/** Client credentials read from an `Authorization: Basic` header. */
export interface BasicCredentials {
  readonly clientId: string
  readonly secret: string
}

/**
 * Reads the credentials of `Basic <base64>`, where client id and secret are each
 * form-urlencoded before they are joined by a colon (RFC 6749 §2.3.1). `undefined` when
 * the value is malformed.
 */
export function parseBasic(encoded: string): BasicCredentials | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon === -1) return undefined
  const clientId = formDecode(decoded.slice(0, colon))
  const secret = formDecode(decoded.slice(colon + 1))
  if (clientId === undefined || secret === undefined || clientId === '') return undefined
  return { clientId, secret }
}

function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replaceAll('+', ' '))
  } catch {
    return undefined
  }
}
