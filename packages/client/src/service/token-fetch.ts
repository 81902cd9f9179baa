import { checkOptionNames, optionNames } from '@tokenguard/core/internal'
import { PACKAGE } from '../shared/package-name.js'
import type { ServiceTokens } from './service-tokens.js'

/** Options of {@link createTokenFetch}. */
export interface TokenFetchOptions {
  /** Where the tokens come from: {@link createServiceTokens}. */
  tokens: ServiceTokens
  /**
   * The origins (`https://api.example.com`) that get the token. A request to any other
   * origin is sent as it is, without one, so a token never leaks to a third party.
   */
  origins: readonly string[]
  /** The `fetch` underneath. Default: the global `fetch`. */
  fetch?: typeof fetch
}

/** What `fetch` takes as its first argument. */
type FetchInput = Parameters<typeof fetch>[0]

const NAMES = optionNames<TokenFetchOptions>()(['tokens', 'origins', 'fetch'])

/**
 * A `fetch` that sends `Authorization: Bearer <token>` to the configured origins. When the
 * API answers 401 with `error="invalid_token"` (the token was revoked or the API's keys
 * rotated), the token is dropped and the request is sent once more with a new one, if its
 * body can be sent twice (none, a string, bytes, `URLSearchParams`, `FormData`, a `Blob`);
 * a streamed body is never replayed.
 *
 * @example
 * const apiFetch = createTokenFetch({ tokens, origins: ['https://api.example.com'] })
 * const stats = await (await apiFetch('https://api.example.com/internal/pets/stats')).json()
 */
export function createTokenFetch(options: TokenFetchOptions): typeof fetch {
  checkOptionNames(PACKAGE, options, NAMES)
  const { tokens } = options
  if (tokens === null || typeof tokens !== 'object' || typeof tokens.getToken !== 'function') {
    throw new TypeError(`${PACKAGE}: tokens must come from createServiceTokens()`)
  }
  const origins = new Set(checkOrigins(options.origins))
  const send = options.fetch ?? fetch

  return async function tokenFetch(input: FetchInput, init?: RequestInit): Promise<Response> {
    const url = new URL(input instanceof Request ? input.url : input.toString())
    if (!origins.has(url.origin)) return send(input, init)
    const replayable = isReplayable(input, init)
    const first = withToken(input, init, await tokens.getToken())
    const response = await send(first.input, first.init)
    if (!replayable || response.status !== 401 || !asksForNewToken(response)) return response
    await tokens.invalidate(first.token)
    await response.body?.cancel().catch(() => undefined)
    const second = withToken(input, init, await tokens.getToken())
    return send(second.input, second.init)
  }
}

function withToken(
  input: FetchInput,
  init: RequestInit | undefined,
  token: string,
): { input: FetchInput; init: RequestInit; token: string } {
  const headers = new Headers(
    init?.headers ?? (input instanceof Request ? input.headers : undefined),
  )
  headers.set('authorization', `Bearer ${token}`)
  return {
    input: input instanceof Request ? input.clone() : input,
    init: { ...init, headers },
    token,
  }
}

function asksForNewToken(response: Response): boolean {
  const challenge = response.headers.get('www-authenticate') ?? ''
  return /(?:^|[\s,])error\s*=\s*"?invalid_token"?/i.test(challenge.slice(0, 4096))
}

function isReplayable(input: FetchInput, init: RequestInit | undefined): boolean {
  const body = init?.body
  // A Request is cloned before each attempt, so its own body can be sent twice.
  if (body === undefined || body === null) return true
  return (
    typeof body === 'string' ||
    body instanceof URLSearchParams ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof Blob ||
    body instanceof FormData
  )
}

function checkOrigins(origins: unknown): string[] {
  if (!Array.isArray(origins) || origins.length === 0) {
    throw new TypeError(
      `${PACKAGE}: origins must list at least one origin, such as "https://api.example.com"`,
    )
  }
  return origins.map((origin: unknown) => {
    if (
      typeof origin !== 'string' ||
      !URL.canParse(origin) ||
      new URL(origin).origin !== origin.replace(/\/$/, '')
    ) {
      throw new TypeError(
        `${PACKAGE}: origins must be origins such as "https://api.example.com" (scheme, host and port only)`,
      )
    }
    return new URL(origin).origin
  })
}
