/** The subset of the WHATWG `fetch` that tokenguard calls; inject your own for tests or proxies. */
export type FetchLike = (
  url: string,
  init: { signal: AbortSignal; headers: Record<string, string>; redirect: 'error' },
) => Promise<Response>

/** Why an upstream document could not be used. Reported in events and as an error `cause`. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError'
  constructor(
    message: string,
    readonly kind: 'network' | 'timeout' | 'status' | 'too_large' | 'not_json' | 'invalid',
  ) {
    super(message)
  }
}

/**
 * GETs a JSON document with a timeout and a cap on its size, refusing redirects. Every
 * failure becomes an {@link UpstreamError}; the URL is named, never a credential.
 */
export async function fetchJson(
  fetchImpl: FetchLike,
  url: string,
  timeoutMs: number,
  maxBytes: number,
): Promise<unknown> {
  const signal = AbortSignal.timeout(timeoutMs)
  let response: Response
  try {
    response = await fetchImpl(url, {
      signal,
      headers: { accept: 'application/json' },
      redirect: 'error',
    })
  } catch {
    throw signal.aborted
      ? new UpstreamError(`${url} did not answer within ${timeoutMs} ms`, 'timeout')
      : new UpstreamError(`${url} could not be reached`, 'network')
  }
  try {
    if (response.status !== 200) {
      throw new UpstreamError(`${url} answered HTTP ${response.status}`, 'status')
    }
    const declared = Number(response.headers.get('content-length') ?? Number.NaN)
    if (declared > maxBytes)
      throw new UpstreamError(`${url} sent more than ${maxBytes} bytes`, 'too_large')
    const text = await readCapped(response, maxBytes, url)
    try {
      return JSON.parse(text) as unknown
    } catch {
      throw new UpstreamError(`${url} did not send JSON`, 'not_json')
    }
  } catch (error) {
    if (error instanceof UpstreamError) throw error
    throw signal.aborted
      ? new UpstreamError(`${url} did not answer within ${timeoutMs} ms`, 'timeout')
      : new UpstreamError(`${url} failed while sending its body`, 'network')
  } finally {
    if (response.bodyUsed === false) void response.body?.cancel().catch(() => undefined)
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
