import { randomUUID } from 'node:crypto'
import { SignJWT } from 'jose'
import type { TestKey } from '../../src/index.js'

/** Encodes one credential as RFC 6749 §2.3.1 asks before Basic: form-urlencoding. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replaceAll('%20', '+')
}

/** An `Authorization: Basic` value for `clientId` and `secret`. */
export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(secret)}`).toString('base64')}`
}

/** POSTs `params` as application/x-www-form-urlencoded to `url`. */
export function postForm(
  url: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, { method: 'POST', headers, body: new URLSearchParams(params) })
}

/**
 * A private_key_jwt client assertion (RFC 7523 §3) for `clientId`, signed by `key`, valid
 * for 60 seconds with a fresh jti; `claims` override the defaults (undefined removes one).
 */
export function clientAssertion(
  key: TestKey,
  clientId: string,
  aud: string,
  claims: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const payload = { iss: clientId, sub: clientId, aud, iat: now, exp: now + 60, jti: randomUUID() }
  return new SignJWT({ ...payload, ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .sign(key.privateKey)
}

/** The form parameters of a private_key_jwt request, without `token`. */
export function assertionParams(assertion: string): Record<string, string> {
  return {
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  }
}
