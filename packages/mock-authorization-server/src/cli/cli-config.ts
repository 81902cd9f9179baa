import { checkOptionNames } from '@tokenguard/core/internal'
import type { TestIssuerOptions } from '@tokenguard/test-tokens'
import type { MockAuthorizationServerOptions } from '../mock-authorization-server-options.js'
import { AUTHORIZATION_OPTIONS } from '../settings/authorization-settings.js'

/** What a `--config` file holds: server options, the issuer's, and a port. */
export interface CliConfig {
  readonly port: number
  readonly serverOptions: MockAuthorizationServerOptions
}

/** Largest config file read, in bytes. */
export const MAX_CONFIG_BYTES = 1024 * 1024

// The JSON-shaped options of createTestIssuer the file may set.
const ISSUER_FIELDS = ['algorithms', 'audience', 'defaultExpiresInSec'] as const
const FIELDS: readonly string[] = ['port', 'clients', ...ISSUER_FIELDS, ...AUTHORIZATION_OPTIONS]

/**
 * Reads a config file's text: a JSON object with `port` (default 0), `clients`, the
 * JSON-shaped options of `createTestIssuer` and those of `createMockAuthorizationServer`.
 * Throws an Error that says what to fix (a misspelled field gets the closest known name)
 * and never quotes the file, which holds client secrets.
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
  checkOptionNames('the config file', fields, FIELDS)
  const { port = 0, algorithms, audience, defaultExpiresInSec, ...serverOptions } = fields
  if (typeof port !== 'number') throw new Error('port must be a number from 0 to 65535')
  const issuerOptions = Object.fromEntries(
    Object.entries({ algorithms, audience, defaultExpiresInSec }).filter(
      ([, field]) => field !== undefined,
    ),
  ) as TestIssuerOptions
  return { port, serverOptions: { ...serverOptions, issuerOptions } }
}
