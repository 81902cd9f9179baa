import type { IncomingMessage } from 'node:http'
import { insecureUrlProblem } from '@tokenguard/core/internal'

/** How the public URL of a request is known, for the DPoP `htu` check (RFC 9449 §4.3). */
export interface RequestUrlOptions {
  /**
   * The origin clients call, such as `https://api.example.com`. The request's path is
   * appended. Preferred: nothing the client sends can change it.
   */
  publicOrigin?: string
  /**
   * Take the scheme and host from `X-Forwarded-Proto` and `X-Forwarded-Host` (first value),
   * then `Host`. Only behind a proxy that sets them and strips what clients send.
   * Default: `false`.
   */
  trustProxy?: boolean
}

const PACKAGE = '@tokenguard/dpop'

/**
 * Returns a function that gives the public URL of a request, without query or fragment:
 * from the configured origin, or from a trusted proxy's headers. Never from a `Host` or
 * `X-Forwarded-*` header on its own, which an attacker controls.
 *
 * @example
 * const urlOf = createRequestUrl({ publicOrigin: 'https://api.example.com' })
 * urlOf(req) // 'https://api.example.com/api/pets'
 */
export function createRequestUrl(
  options: RequestUrlOptions,
): (req: IncomingMessage) => string | undefined {
  const { publicOrigin, trustProxy = false } = options
  if (publicOrigin !== undefined) {
    let origin: string
    try {
      origin = new URL(publicOrigin).origin
    } catch {
      throw new TypeError(
        `${PACKAGE}: publicOrigin must be an absolute URL such as https://api.example.com`,
      )
    }
    if (origin === 'null') throw new TypeError(`${PACKAGE}: publicOrigin must be an http(s) origin`)
    // A proof names the URL the client called (htu): plain http there means tokens and
    // proofs in clear text, which DPoP does not make safe (RFC 9449 §11.1).
    if (insecureUrlProblem(origin, false) !== undefined) {
      throw new TypeError(
        `${PACKAGE}: publicOrigin "${publicOrigin}" must use https: DPoP proofs name the URL clients call (htu); http is allowed only for localhost`,
      )
    }
    return (req) => join(origin, pathOf(req))
  }
  if (!trustProxy) {
    throw new TypeError(
      `${PACKAGE}: give publicOrigin (the https origin clients call), or trustProxy: true behind a proxy that sets X-Forwarded-Proto and X-Forwarded-Host`,
    )
  }
  return (req) => {
    const proto = firstValue(req.headers['x-forwarded-proto']) ?? 'https'
    const host = firstValue(req.headers['x-forwarded-host']) ?? req.headers.host
    if (host === undefined || !/^[A-Za-z0-9.:[\]-]+$/.test(host) || !/^https?$/.test(proto)) {
      return undefined
    }
    return join(`${proto}://${host}`, pathOf(req))
  }
}

function pathOf(req: IncomingMessage): string {
  // Express keeps the full path in originalUrl when a router strips its mount point.
  const raw = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/'
  const end = raw.search(/[?#]/)
  return end === -1 ? raw : raw.slice(0, end)
}

function join(origin: string, path: string): string | undefined {
  try {
    const base = new URL(origin)
    const url = new URL(path.startsWith('/') ? path : `/${path}`, base)
    // A path such as //evil.example would change the origin: no URL rather than a wrong one.
    return url.origin === base.origin ? `${url.origin}${url.pathname}` : undefined
  } catch {
    return undefined
  }
}

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header
  const first = value?.split(',')[0]?.trim()
  return first === '' ? undefined : first
}
