import { CREDENTIAL_HEADERS, SENSITIVE_KEYS } from './sensitive-keys.js'

const HEADER_KEYS = CREDENTIAL_HEADERS
// `code` is left to the key-aware redactor: as a path it would also hide `err.code`.
const ANYWHERE_KEYS = SENSITIVE_KEYS.filter((key) => key !== 'code')
const PARAM_KEYS = SENSITIVE_KEYS.filter((key) => !HEADER_KEYS.includes(key))

function segment(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`
}

/**
 * Paths for pino's own `redact` option, covering what pino and pino-http log: the credential
 * headers of `req` and `res`, the sensitive query and body parameters, and every
 * {@link SENSITIVE_KEYS} entry at the top level and one level down. Path redaction only sees
 * these exact places, in this exact case; {@link createPinoRedaction} also finds credentials
 * inside strings (`?access_token=` in `req.url`, error messages) at any depth.
 *
 * @example
 * const logger = pino({ redact: { paths: [...PINO_REDACT_PATHS], censor: '[REDACTED]' } })
 */
export const PINO_REDACT_PATHS: readonly string[] = Object.freeze([
  ...HEADER_KEYS.map((key) => `req.headers${segment(key)}`),
  ...HEADER_KEYS.map((key) => `res.headers${segment(key)}`),
  ...PARAM_KEYS.map((key) => `req.query${segment(key)}`),
  ...PARAM_KEYS.map((key) => `req.body${segment(key)}`),
  ...ANYWHERE_KEYS.map((key) => segment(key).replace(/^\./, '')),
  ...ANYWHERE_KEYS.map((key) => `*${segment(key)}`),
])
