import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { OAUTH_ERROR_REASONS } from '@tokenguard/core/internal'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..', '..')

/** The error table of core's README: the rows between its header and the first blank line. */
function readmeTable(): string {
  const readme = readFileSync(join(root, 'packages/core/README.md'), 'utf8')
  const start = readme.indexOf('| reason | status | code |')
  return readme.slice(start, readme.indexOf('\n\n', start))
}

/** Every string literal passed as the reason of an OAuthError factory in the packages' sources. */
function emittedReasons(): Set<string> {
  const found = new Set<string>()
  // `OAuthError.invalidToken('token_expired', ...)`, and the packages' own one-line helpers.
  const factory = /(?:OAuthError\.[A-Za-z]+|refusal|bad)\(\s*'([a-z_]+)'/g
  // A reason chosen by a conditional: `const reason: OAuthErrorReason = x ? 'a' : 'b'`.
  const chosen = /OAuthErrorReason =\s+[^\n]*\s+\?\s*'([a-z_]+)'\s+:\s*'([a-z_]+)'/g
  // The test issuer and the mock authorization server answer as an authorization server
  // does (their `error` codes are RFC 6749's), not with OAuthErrors.
  const servers = new Set(['test-tokens', 'mock-authorization-server'])
  for (const pkg of readdirSync(join(root, 'packages')).filter((name) => !servers.has(name))) {
    const src = join(root, 'packages', pkg, 'src')
    const files = readdirSync(src, { recursive: true }).map(String)
    for (const file of files.filter((name) => name.endsWith('.ts'))) {
      const text = readFileSync(join(src, file), 'utf8')
      for (const match of text.matchAll(factory)) found.add(match[1]!)
      for (const match of text.matchAll(chosen)) {
        found.add(match[1]!)
        found.add(match[2]!)
      }
    }
  }
  return found
}

describe('OAuthErrorReason', () => {
  it('has a row of the README error table for every reason', () => {
    const table = readmeTable()
    const missing = OAUTH_ERROR_REASONS.filter((reason) => !table.includes(`\`${reason}\``))
    expect(missing).toEqual([])
  })

  it('lists every reason a package source passes to an OAuthError factory', () => {
    const known = new Set<string>(OAUTH_ERROR_REASONS)
    const emitted = emittedReasons()
    expect(emitted.size).toBeGreaterThan(30)
    expect([...emitted].filter((reason) => !known.has(reason))).toEqual([])
  })

  it('names no reason twice', () => {
    expect(new Set(OAUTH_ERROR_REASONS).size).toBe(OAUTH_ERROR_REASONS.length)
  })
})
