import type { PetstoreStartOptions } from './start.js'

/** The environment variables the PetStore reads. */
export interface PetstoreEnv {
  readonly PORT?: string | undefined
  readonly HOST?: string | undefined
  readonly ISSUER?: string | undefined
  readonly AUDIENCE?: string | undefined
}

/**
 * Reads the start options from the environment: `PORT` (default 3000), `HOST` (default
 * 127.0.0.1), and `ISSUER` with `AUDIENCE` to accept a real issuer's tokens instead of the
 * local test issuer's. Throws an `Error` that says what to fix.
 *
 * @example
 * const options = readConfig(process.env)
 */
export function readConfig(env: PetstoreEnv): PetstoreStartOptions {
  const options: PetstoreStartOptions = {}
  const port = nonEmpty(env.PORT)
  if (port !== undefined) {
    const value = Number(port)
    if (!/^\d+$/.test(port) || value > 65_535) {
      throw new Error(`PORT must be a port number from 0 to 65535, not "${port.slice(0, 16)}"`)
    }
    options.port = value
  }
  const host = nonEmpty(env.HOST)
  if (host !== undefined) options.host = host
  const issuer = nonEmpty(env.ISSUER)
  const audience = nonEmpty(env.AUDIENCE)
  if (issuer !== undefined) {
    if (audience === undefined) {
      throw new Error('AUDIENCE is required with ISSUER: the "aud" your access tokens carry')
    }
    options.issuer = issuer
  }
  if (audience !== undefined) options.audience = audience
  return options
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === '' ? undefined : trimmed
}
