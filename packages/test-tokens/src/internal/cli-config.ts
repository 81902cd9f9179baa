import type { TestIssuerOptions } from '../test-issuer.js'
import { AUTHORIZATION_OPTIONS } from './authorization-settings.js'

/** What a `tokenguard-test-issuer --config` file holds: issuer options and a port. */
export interface CliConfig {
  readonly port: number
  readonly issuerOptions: TestIssuerOptions
}

/** Largest config file read, in bytes. */
export const MAX_CONFIG_BYTES = 1024 * 1024

const ISSUER_FIELDS = ['algorithms', 'audience', 'defaultExpiresInSec', 'clients']
const FIELDS = ['port', ...ISSUER_FIELDS, ...AUTHORIZATION_OPTIONS]

/**
 * Reads a config file's text: a JSON object with `port` (default 0) and the JSON-shaped
 * options of `createTestIssuer`. Throws an Error that says what to fix and never quotes
 * the file, which holds client secrets.
 */
export function parseCliConfig(text: string): CliConfig {
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) {
    throw new Error(`the config file is larger than ${MAX_CONFIG_BYTES} bytes`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new Error('the config file is not valid JSON')
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('the config file must hold a JSON object')
  }
  const fields = value as Record<string, unknown>
  for (const name of Object.keys(fields)) {
    if (!FIELDS.includes(name)) {
      throw new Error(`unknown config field "${name}"; known: ${FIELDS.join(', ')}`)
    }
  }
  const { port = 0, ...issuerOptions } = fields
  if (typeof port !== 'number') throw new Error('port must be a number from 0 to 65535')
  return { port, issuerOptions }
}
