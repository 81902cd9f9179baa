import { checkOptionNames } from './check-options.js'
import type { ProtectedResourceMetadataOptions } from '../protected-resource-metadata.js'
import { publicUrlProblem } from './public-url.js'

const PACKAGE = '@tokenguard/core'
const BEARER_METHODS = ['header', 'body', 'query']
// RFC 6749 §3.3: scope-token = 1*NQCHAR.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

type Check = (name: string, value: unknown) => unknown

const identifier: Check = (name, value) => url(name, value, true)
const link: Check = (name, value) => url(name, value, false)
const text: Check = (name, value) => {
  if (typeof value !== 'string' || value === '') fail(name, 'must be a non-empty string')
  return value
}
const flag: Check = (name, value) => {
  if (typeof value !== 'boolean') fail(name, 'must be true or false')
  return value
}
const list =
  (item: Check): Check =>
  (name, value) => {
    if (!Array.isArray(value)) fail(name, 'must be an array')
    const items = (value as readonly unknown[]).map((entry) => item(name, entry))
    if (new Set(items).size !== items.length) fail(name, 'must not repeat a value')
    return items
  }
const scope: Check = (name, value) => {
  if (typeof value !== 'string' || !SCOPE_TOKEN.test(value)) {
    fail(name, 'must hold scope tokens (no whitespace, quotes or backslashes, RFC 6749 §3.3)')
  }
  return value
}
const bearerMethod: Check = (name, value) => {
  if (typeof value !== 'string' || !BEARER_METHODS.includes(value)) {
    fail(name, `must hold only 'header', 'body' or 'query' (RFC 6750 §2)`)
  }
  return value
}
// RFC 9728 §2: `none` MUST NOT be used; RFC 9449 §5.1: nor a symmetric algorithm for DPoP.
const alg =
  (symmetric: boolean): Check =>
  (name, value) => {
    text(name, value)
    if (value === 'none' || (!symmetric && (value as string).startsWith('HS'))) {
      fail(name, `must not list ${JSON.stringify(value)}`)
    }
    return value
  }

/** The members of RFC 9728 §2, in its order, with the check of each. */
const MEMBERS: readonly (readonly [keyof ProtectedResourceMetadataOptions, Check])[] = [
  ['resource', identifier],
  ['authorization_servers', list(identifier)],
  ['jwks_uri', link],
  ['scopes_supported', list(scope)],
  ['bearer_methods_supported', list(bearerMethod)],
  ['resource_signing_alg_values_supported', list(alg(true))],
  ['resource_name', text],
  ['resource_documentation', link],
  ['resource_policy_uri', link],
  ['resource_tos_uri', link],
  ['tls_client_certificate_bound_access_tokens', flag],
  ['authorization_details_types_supported', list(text)],
  ['dpop_signing_alg_values_supported', list(alg(false))],
  ['dpop_bound_access_tokens_required', flag],
  ['signed_metadata', text],
]
const MEMBER_NAMES = MEMBERS.map(([name]) => name as string)

/**
 * Validates the options of `protectedResourceMetadata` and returns the metadata document as
 * JSON, members in the order of RFC 9728 §2, then `additionalMetadata`. Throws a `TypeError`
 * that names the option and says what to change.
 */
export function resourceMetadataJson(options: ProtectedResourceMetadataOptions): string {
  checkOptionNames(PACKAGE, options, [...MEMBER_NAMES, 'additionalMetadata', 'cacheMaxAgeSec'])
  if (options.resource === undefined) {
    fail('resource', "is required: the resource's identifier, e.g. 'https://api.example.com'")
  }
  const entries: [string, unknown][] = []
  for (const [name, check] of MEMBERS) {
    const value =
      name === 'bearer_methods_supported' ? (options[name] ?? ['header']) : options[name]
    if (value !== undefined) entries.push([name, check(name, value)])
  }
  entries.push(...additionalEntries(options.additionalMetadata))
  // Object.fromEntries defines own properties, so a `__proto__` member stays a member.
  return JSON.stringify(Object.fromEntries(entries))
}

function additionalEntries(additional: unknown): [string, unknown][] {
  if (additional === undefined) return []
  if (additional === null || typeof additional !== 'object' || Array.isArray(additional)) {
    fail('additionalMetadata', 'must be an object of further members')
  }
  return Object.entries(additional).map(([name, value]) => {
    if (MEMBER_NAMES.includes(name)) {
      fail('additionalMetadata', `must not set ${name}; use the ${name} option`)
    }
    if (!isJson(value)) fail(`additionalMetadata.${name}`, 'must be a JSON value')
    return [name, value]
  })
}

function isJson(value: unknown): boolean {
  try {
    return JSON.stringify(value) !== undefined
  } catch {
    // A cycle or a BigInt.
    return false
  }
}

function url(name: string, value: unknown, isIdentifier: boolean): unknown {
  const problem = publicUrlProblem(value, isIdentifier)
  if (problem !== undefined) fail(name, problem)
  return value
}

function fail(name: string, problem: string): never {
  throw new TypeError(`${PACKAGE}: protectedResourceMetadata ${name.slice(0, 80)} ${problem}`)
}
