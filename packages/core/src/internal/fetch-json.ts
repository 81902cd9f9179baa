import { redactedCause } from './redacted-cause.js'

/** The subset of the WHATWG `fetch` that tokenguard calls; inject your own for tests or proxies. */
export type FetchLike = (
  url: string,
  init: {
    method?: 'GET' | 'POST'
    body?: string
    signal: AbortSignal
    headers: Record<string, string>
    redirect: 'error'
  },
) => Promise<Response>

/** How an upstream call failed. */
export type UpstreamErrorKind =
  'network' | 'timeout' | 'status' | 'too_large' | 'not_json' | 'invalid'

/**
 * Why an upstream document (metadata, JWKS, introspection response) could not be used.
 * Reported in events and as the `cause` of a 503; it names the URL, never a credential.
 */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError'
  constructor(
    message: string,
    readonly kind: UpstreamErrorKind,
    /** The HTTP status, when the upstream answered one. */
    readonly status?: number,
    /** What failed underneath (a network error), already redacted for logs. */
    cause?: Error,
  ) {
    super(message, cause === undefined ? undefined : { cause })
  }
}

/** A request of {@link fetchJson}. */
export interface JsonRequest {
  /** Default: `'GET'`. */
  method?: 'GET' | 'POST'
  /** Extra request headers (`accept: application/json` is always sent). */
  headers?: Record<string, string>
  /** A request body, already encoded. */
  body?: string
  /** Give up after this many ms. */
  timeoutMs: number
  /** Refuse a response body larger than this many bytes. */
  maxBytes: number
  /**
   * HTTP statuses whose JSON body is read and returned (by {@link fetchJsonAnswer}) rather
   * than refused, such as the 400 of an OAuth error response. Default: `[200]`.
   */
  acceptStatuses?: readonly number[]
}

/** What {@link fetchJsonAnswer} read: the HTTP status and the JSON body. */
export interface JsonAnswer {
  readonly status: number
  readonly body: unknown
}

/**
 * Sends a request and reads a JSON answer with a timeout and a cap on its size, refusing
 * redirects. Every failure becomes an {@link UpstreamError}; only HTTP 200 is a success.
 *
 * @example
 * const metadata = await fetchJson(fetch, url, { timeoutMs: 5_000, maxBytes: 131_072 })
 */
export async function fetchJson(
  fetchImpl: FetchLike,
  url: string,
  request: JsonRequest,
): Promise<unknown> {
  return (await fetchJsonAnswer(fetchImpl, url, { ...request, acceptStatuses: [200] })).body
}

/**
 * {@link fetchJson} that also reads the JSON body of the other statuses in
 * `acceptStatuses`, and says which status came.
 *
 * @example
 * const { status, body } = await fetchJsonAnswer(fetch, url, { ...limits, acceptStatuses: [200, 400] })
 */
export async function fetchJsonAnswer(
  fetchImpl: FetchLike,
  url: string,
  request: JsonRequest,
): Promise<JsonAnswer> {
  const { timeoutMs, maxBytes } = request
  const accepted = request.acceptStatuses ?? [200]
  const signal = AbortSignal.timeout(timeoutMs)
  const timedOut = () =>
    new UpstreamError(`${url} did not answer within ${timeoutMs} ms`, 'timeout')
  let response: Response
  try {
    response = await fetchImpl(url, {
      method: request.method ?? 'GET',
      ...(request.body === undefined ? {} : { body: request.body }),
      signal,
      headers: { accept: 'application/json', ...request.headers },
      redirect: 'error',
    })
  } catch (error) {
    if (signal.aborted) throw timedOut()
    throw new UpstreamError(
      `${url} could not be reached`,
      'network',
      undefined,
      redactedCause(error),
    )
  }
  try {
    const { status } = response
    if (!accepted.includes(status)) {
      throw new UpstreamError(`answered HTTP ${status} at ${url}`, 'status', status)
    }
    const declared = Number(response.headers.get('content-length') ?? Number.NaN)
    if (declared > maxBytes) {
      throw new UpstreamError(`${url} sent more than ${maxBytes} bytes`, 'too_large')
    }
    const text = await readCapped(response, maxBytes, url)
    try {
      return { status, body: JSON.parse(text) as unknown }
    } catch {
      const what = status === 200 ? 'did not send JSON' : `answered HTTP ${status} without JSON`
      throw new UpstreamError(`${url} ${what}`, 'not_json', status)
    }
  } catch (error) {
    if (error instanceof UpstreamError) throw error
    if (signal.aborted) throw timedOut()
    const cause = redactedCause(error)
    throw new UpstreamError(`${url} failed while sending its body`, 'network', undefined, cause)
  } finally {
    if (!response.bodyUsed) void response.body?.cancel().catch(() => undefined)
  }
}

async function readCapped(response: Response, maxBytes: number, url: string): Promise<string> {
  if (response.body === null) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = (await reader.read()) as { done: boolean; value?: Uint8Array }
    if (done || value === undefined) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined)
      throw new UpstreamError(`${url} sent more than ${maxBytes} bytes`, 'too_large')
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}
