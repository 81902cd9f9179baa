/** Encodes one credential as RFC 6749 §2.3.1 asks before Basic: form-urlencoding. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replaceAll('%20', '+')
}

/** An `Authorization: Basic` value for `clientId` and `secret` (RFC 6749 §2.3.1). */
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
