import type { PetstoreStartOptions } from './start.js'

/** The environment variables the PetStore reads. */
export interface PetstoreEnv {
  readonly PORT?: string | undefined
  readonly HOST?: string | undefined
  readonly PUBLIC_ORIGIN?: string | undefined
  readonly ISSUER?: string | undefined
  readonly AUDIENCE?: string | undefined
  readonly INTROSPECTION_CLIENT_ID?: string | undefined
  readonly INTROSPECTION_CLIENT_SECRET?: string | undefined
  readonly WEB_PORT?: string | undefined
  readonly STATS_PORT?: string | undefined
}

/**
 * Reads the start options from the environment: `PORT` (default 3000), `HOST` (default
 * 127.0.0.1), `PUBLIC_ORIGIN` (the origin clients call, default the listening address: DPoP
 * proofs name it, and so do the local issuer's tokens without `AUDIENCE`), `ISSUER` with
 * `AUDIENCE` to accept a real issuer's tokens instead of the local test issuer's, and with
 * them `INTROSPECTION_CLIENT_ID` and `INTROSPECTION_CLIENT_SECRET` to accept its opaque
 * tokens too. Throws an `Error` that says what to fix.
 *
 * @example
 * const options = readConfig(process.env)
 */
export function readConfig(env: PetstoreEnv): PetstoreStartOptions {
  const options: PetstoreStartOptions = {}
  const port = readPort(env, 'PORT')
  if (port !== undefined) options.port = port
  const host = nonEmpty(env.HOST)
  if (host !== undefined) options.host = host
  const publicOrigin = nonEmpty(env.PUBLIC_ORIGIN)
  if (publicOrigin !== undefined) options.publicOrigin = readOrigin(publicOrigin)
  const issuer = nonEmpty(env.ISSUER)
  const audience = nonEmpty(env.AUDIENCE)
  if (issuer !== undefined) {
    if (audience === undefined) {
      throw new Error('AUDIENCE is required with ISSUER: the "aud" your access tokens carry')
    }
    options.issuer = issuer
  }
  if (audience !== undefined) options.audience = audience
  const introspectionClient = readIntrospectionClient(env, issuer)
  if (introspectionClient !== undefined) options.introspectionClient = introspectionClient
  return options
}

function readIntrospectionClient(
  env: PetstoreEnv,
  issuer: string | undefined,
): PetstoreStartOptions['introspectionClient'] {
  const clientId = nonEmpty(env.INTROSPECTION_CLIENT_ID)
  // The secret is passed on as given (not trimmed); only a blank one counts as unset.
  const secret = env.INTROSPECTION_CLIENT_SECRET
  const clientSecret = nonEmpty(secret) === undefined ? undefined : secret
  if (clientId === undefined && clientSecret === undefined) return undefined
  if (issuer === undefined) {
    throw new Error(
      'INTROSPECTION_CLIENT_ID and INTROSPECTION_CLIENT_SECRET go with ISSUER: the local issuer is introspected with its own test client',
    )
  }
  if (clientId === undefined || clientSecret === undefined) {
    throw new Error(
      'INTROSPECTION_CLIENT_ID and INTROSPECTION_CLIENT_SECRET are needed together: the client this API introspects as at ISSUER',
    )
  }
  return { clientId, clientSecret }
}

/**
 * The origin `value` names (`https://api.example.com`, a trailing slash allowed), or
 * `undefined` when it is not an http(s) origin: a path, query, fragment or credentials would
 * be dropped silently, since DPoP proofs name the origin followed by the request's path.
 *
 * @example
 * httpOriginOf('https://api.example.com/') // 'https://api.example.com'
 */
export function httpOriginOf(value: string): string | undefined {
  const url = URL.canParse(value) ? new URL(value) : undefined
  const isOrigin =
    url !== undefined && /^https?:$/.test(url.protocol) && url.href === `${url.origin}/`
  return isOrigin ? url.origin : undefined
}

function readOrigin(value: string): string {
  const origin = httpOriginOf(value)
  if (origin === undefined) {
    throw new Error(
      `PUBLIC_ORIGIN must be the origin clients call, such as https://api.example.com, not "${value.slice(0, 64)}"`,
    )
  }
  return origin
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === '' ? undefined : trimmed
}

/**
 * The ports of the web app and the stats service: `WEB_PORT` (default 3001) and `STATS_PORT`
 * (default 3002), both 0 (free ports) when `PORT` is 0.
 */
export function readSystemPorts(env: PetstoreEnv): { webPort: number; statsPort: number } {
  const fallback = (standard: number): number => (readPort(env, 'PORT') === 0 ? 0 : standard)
  return {
    webPort: readPort(env, 'WEB_PORT') ?? fallback(3001),
    statsPort: readPort(env, 'STATS_PORT') ?? fallback(3002),
  }
}

function readPort(env: PetstoreEnv, name: 'PORT' | 'WEB_PORT' | 'STATS_PORT'): number | undefined {
  const port = nonEmpty(env[name])
  if (port === undefined) return undefined
  const value = Number(port)
  if (!/^\d+$/.test(port) || value > 65_535) {
    throw new Error(`${name} must be a port number from 0 to 65535, not "${port.slice(0, 16)}"`)
  }
  return value
}
