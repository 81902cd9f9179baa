import { type AccessTokenClaims } from '@tokenguard/core'
import { checkOptionNames, optionNames } from '@tokenguard/core/internal'
import type { ClaimMatch, ClaimValue } from '../check-claims.js'

const CLAIM_MATCH_NAMES = optionNames<ClaimMatch>()(['equals', 'includes'])

/** A `ClaimMatch` once validated: entries copied, so later edits change nothing. */
export interface CompiledClaimMatch {
  readonly equals: readonly (readonly [string, ClaimValue])[]
  readonly includes: readonly (readonly [string, readonly string[]])[]
}

/** Checks a `ClaimMatch` and copies it; throws a `TypeError` that says what to change. */
export function validateClaimMatch(caller: string, requirement: unknown): CompiledClaimMatch {
  if (!isRecord(requirement)) {
    throw new TypeError(
      `@tokenguard/scopes: ${caller} takes { equals, includes } or a predicate ` +
        `(claims) => boolean, e.g. ${caller}({ equals: { tenant: 'acme' } })`,
    )
  }
  checkOptionNames('@tokenguard/scopes', requirement, CLAIM_MATCH_NAMES)
  const equals = entriesOf(caller, 'equals', requirement.equals).map(([name, value]) => {
    if (!isClaimValue(value)) {
      throw new TypeError(
        `@tokenguard/scopes: ${caller} equals.${name} must be a string, a finite number, a ` +
          `boolean or null; use a predicate for anything else`,
      )
    }
    return [name, value] as const
  })
  const includes = entriesOf(caller, 'includes', requirement.includes).map(([name, value]) => {
    const values = typeof value === 'string' ? [value] : value
    if (!Array.isArray(values) || values.length === 0 || !values.every(isNonEmptyString)) {
      throw new TypeError(
        `@tokenguard/scopes: ${caller} includes.${name} must be a non-empty string or a ` +
          `non-empty array of them`,
      )
    }
    return [name, Object.freeze([...values])] as const
  })
  if (equals.length + includes.length === 0) {
    throw new TypeError(`@tokenguard/scopes: ${caller} needs at least one claim to check`)
  }
  return Object.freeze({ equals: Object.freeze(equals), includes: Object.freeze(includes) })
}

/** Whether the claims satisfy every entry. Reads own properties only. */
export function matchClaims(claims: AccessTokenClaims, match: CompiledClaimMatch): boolean {
  for (const [name, value] of match.equals) {
    if (ownClaim(claims, name) !== value) return false
  }
  for (const [name, values] of match.includes) {
    const present = listOf(ownClaim(claims, name))
    if (!values.every((value) => present.includes(value))) return false
  }
  return true
}

function ownClaim(claims: AccessTokenClaims, name: string): unknown {
  return Object.hasOwn(claims, name) ? claims[name] : undefined
}

// A claim holding several values: an array (RFC 7519 style) or a space-delimited string
// (the RFC 6749 §3.3 scope style).
function listOf(value: unknown): readonly unknown[] {
  if (typeof value === 'string') return value.split(' ')
  return Array.isArray(value) ? value : []
}

function entriesOf(caller: string, key: string, value: unknown): [string, unknown][] {
  if (value === undefined) return []
  if (!isRecord(value)) {
    throw new TypeError(
      `@tokenguard/scopes: ${caller} ${key} must be an object of claim names, ` +
        `e.g. { ${key}: { tenant: 'acme' } }`,
    )
  }
  return Object.entries(value)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function isClaimValue(value: unknown): value is ClaimValue {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  )
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== ''
}
