/** base64url of a JSON value or raw bytes, for hand-made (hostile) tokens. */
export function b64(value: unknown): string {
  const bytes =
    value instanceof Uint8Array
      ? value
      : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value))
  return Buffer.from(bytes).toString('base64url')
}

/** Joins a header, a payload and a signature into a compact JWS. */
export function forge(header: unknown, payload: unknown, signature = ''): string {
  return `${b64(header)}.${b64(payload)}.${signature}`
}

/** Splits a compact JWS into its decoded header and payload. */
export function decode(token: string): {
  header: Record<string, unknown>
  payload: Record<string, unknown>
} {
  const [header = '', payload = ''] = token.split('.')
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
  }
}
