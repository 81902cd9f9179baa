import { createHash, randomBytes } from 'node:crypto'
import type { RunningAuthorizationServer } from '../../src/index.js'
import { postForm } from '@tokenguard/test-support/form-requests'

/** A fresh PKCE pair (RFC 7636 §4.1, §4.2): a 43-character verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

/** GETs `/authorize` with `params` without following the redirect. */
export function authorize(
  running: RunningAuthorizationServer,
  params: Record<string, string>,
): Promise<Response> {
  const url = `${running.authorizationEndpoint}?${new URLSearchParams(params).toString()}`
  return fetch(url, { redirect: 'manual' })
}

/** The query parameters of a redirect's Location, and the Location without its query. */
export function redirectParams(response: Response): { target: string; params: URLSearchParams } {
  const location = response.headers.get('location') ?? ''
  const question = location.indexOf('?')
  return {
    target: question === -1 ? location : location.slice(0, question),
    params: new URLSearchParams(question === -1 ? '' : location.slice(question + 1)),
  }
}

/** Runs `/authorize` (auto-approved) with PKCE and returns the code and its verifier. */
export async function obtainCode(
  running: RunningAuthorizationServer,
  params: Record<string, string>,
): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkcePair()
  const response = await authorize(running, {
    response_type: 'code',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...params,
  })
  const code = redirectParams(response).params.get('code')
  if (response.status !== 302 || code === null) {
    throw new Error(`no code: ${response.status} ${response.headers.get('location') ?? ''}`)
  }
  return { code, verifier }
}

/** POSTs a token request and returns the status and the parsed JSON body. */
export async function tokenRequest(
  running: RunningAuthorizationServer,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; response: Response }> {
  const response = await postForm(running.tokenEndpoint, params, headers)
  const body = (await response.json()) as Record<string, unknown>
  return { status: response.status, body, response }
}
