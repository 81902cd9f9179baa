import type { IncomingMessage } from 'node:http'

/** The parameters of a form body, or why it was refused. */
export type FormResult =
  | { readonly ok: true; readonly params: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly status: 400 | 413; readonly description: string }

/** Largest accepted request body: 64 KiB. */
export const MAX_FORM_BYTES = 64 * 1024

// Parameters that must not repeat (RFC 6749 §3.1, §3.2); extension parameters are left alone.
const SINGLE = [
  'token',
  'token_type_hint',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
  'grant_type',
  'code',
  'redirect_uri',
  'code_verifier',
  'refresh_token',
  'scope',
  'device_code',
  'token_format',
  'response_type',
  'state',
  'code_challenge',
  'code_challenge_method',
  'nonce',
  'user_code',
  'username',
  'decision',
  'consent',
]

/**
 * Reads an `application/x-www-form-urlencoded` body of at most {@link MAX_FORM_BYTES}
 * (RFC 7662 §2.1, RFC 7009 §2.1). A larger body is read to its end and discarded, so the
 * client receives the 413 instead of a reset connection.
 */
export async function readForm(req: IncomingMessage): Promise<FormResult> {
  const body = await readBounded(req)
  if (body === undefined) {
    return {
      ok: false,
      status: 413,
      description: `the request body exceeds ${MAX_FORM_BYTES} bytes`,
    }
  }
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
  if (mediaType !== 'application/x-www-form-urlencoded') {
    return {
      ok: false,
      status: 400,
      description: 'the request body must be application/x-www-form-urlencoded',
    }
  }
  const params = new Map<string, string>()
  for (const [name, value] of new URLSearchParams(body)) {
    if (SINGLE.includes(name) && params.has(name)) {
      return { ok: false, status: 400, description: `the ${name} parameter must not repeat` }
    }
    params.set(name, value)
  }
  return { ok: true, params }
}

function readBounded(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_FORM_BYTES) chunks.push(chunk)
    })
    req.on('end', () =>
      resolve(size > MAX_FORM_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')),
    )
    req.on('error', reject)
    // A client that goes away before the end: nothing to answer (settled promises ignore it).
    req.on('close', () => reject(new Error('request closed before its end')))
  })
}
