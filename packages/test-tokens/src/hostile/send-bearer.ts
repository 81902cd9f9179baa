/** How {@link sendBearer} sends: method, extra headers, and a time limit. */
export interface BearerRequest {
  readonly method?: string
  readonly headers?: Readonly<Record<string, string>>
  readonly timeoutMs?: number
}

/**
 * What came back: the status, the `error` of the `WWW-Authenticate` challenge, and whether
 * the token was echoed in the body or a header; or why no answer came.
 */
export type BearerAnswer =
  | { readonly status: number; readonly error: string | undefined; readonly echoed: boolean }
  | { readonly failure: string }

// RFC 9110 §11.2: auth-param = token BWS "=" BWS ( token / quoted-string ), name case-insensitive.
const ERROR_PARAM = /(?:^|[\s,])error\s*=\s*(?:"([^"]*)"|([^\s",]+))/i

/** Sends `token` as `Authorization: Bearer` to `url` and reads the answer. */
export async function sendBearer(
  url: string,
  token: string,
  request: BearerRequest,
): Promise<BearerAnswer> {
  let response: Response
  let body: string
  try {
    response = await fetch(url, {
      method: request.method ?? 'GET',
      headers: { ...withoutAuthorization(request.headers), authorization: `Bearer ${token}` },
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs ?? 10_000),
    })
    body = await response.text()
  } catch (error) {
    // The error's name only: a message could quote the request, token included.
    return { failure: error instanceof Error ? error.name : 'request failed' }
  }
  let echoed = body.includes(token)
  response.headers.forEach((value) => {
    if (value.includes(token)) echoed = true
  })
  const match = ERROR_PARAM.exec(response.headers.get('www-authenticate') ?? '')
  return { status: response.status, error: match?.[1] ?? match?.[2], echoed }
}

function withoutAuthorization(
  headers: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'),
  )
}
