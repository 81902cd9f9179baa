import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

// The published packages are the `tsc -b` output in each package's dist/, loaded through
// the exports map WITHOUT the `@tokenguard/source` condition the rest of the suite runs under.
// Every check runs in a fresh Node process, from this directory, so it resolves the
// packages exactly as an installed app would.

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const HERE = fileURLToPath(new URL('.', import.meta.url))
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc')

/** Runtime exports (values, not types) a package must offer, for the packages that have them. */
const EXPECTED_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  '@tokenguard/core': [
    'OAuthError',
    'oauthErrorHandler',
    'extractBearerToken',
    'createAuthContext',
    'parseScopes',
    'createMemoryStore',
  ],
  '@tokenguard/jwt-verify': ['createJwtVerifier', 'createJwksCache', 'jwtBearer'],
  '@tokenguard/scopes': ['requireScopes', 'requireAnyScope', 'requireClaims', 'checkScopes'],
  '@tokenguard/test-tokens': ['createTestIssuer'],
}

/** Every package under packages/, so a new one is checked from the day it lands. */
const PACKAGES: readonly string[] = readdirSync(join(ROOT, 'packages'))
  .map((dir) => join(ROOT, 'packages', dir, 'package.json'))
  .filter((file) => existsSync(file))
  .map((file) => (JSON.parse(readFileSync(file, 'utf8')) as { name: string }).name)
  .sort()

// Prints where the package resolved and the type of each export, as JSON.
const DESCRIBE = `JSON.stringify({ file, exports: Object.fromEntries(Object.keys(m).sort().map((k) => [k, typeof m[k]])) })`

async function node(args: readonly string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, [...args], {
    cwd: HERE,
    // No --conditions=@tokenguard/source may leak in from the parent.
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 30_000,
  })
  return JSON.parse(stdout) as unknown
}

function importFromEsm(name: string): Promise<unknown> {
  const script = `const m = await import('${name}'); const file = import.meta.resolve('${name}'); console.log(${DESCRIBE})`
  return node(['--input-type=module', '-e', script])
}

function requireFromCjs(name: string): Promise<unknown> {
  const script = `const m = require('${name}'); const file = require.resolve('${name}'); console.log(${DESCRIBE})`
  return node(['--input-type=commonjs', '-e', script])
}

function expectedShape(name: string): unknown {
  const names = EXPECTED_EXPORTS[name]
  return {
    file: expect.stringMatching(/[/\\]dist[/\\]index\.js$/),
    exports:
      names === undefined
        ? expect.objectContaining({})
        : expect.objectContaining(Object.fromEntries(names.map((key) => [key, 'function']))),
  }
}

// A test rather than a beforeAll, so a failed build is counted as a failure, not as skips.
// Tests of a file run in order: the loading tests below use this build.
describe('tsc -b', () => {
  it('builds every package without errors', async () => {
    // tsc prints its errors on stdout; comparing it with '' shows them in the failure.
    const { stdout } = await run(process.execPath, [TSC, '-b', '--pretty', 'false'], {
      cwd: ROOT,
      timeout: 170_000,
    }).catch((error: unknown) => error as { stdout?: string })
    expect(stdout ?? '').toBe('')
  }, 180_000)
})

describe.each(PACKAGES)('%s build output', (name) => {
  it('loads with import() from an ES module, without the @tokenguard/source condition', async () => {
    const loaded = await importFromEsm(name)
    expect(loaded).toEqual(expectedShape(name))
    expect(Object.keys((loaded as { exports: object }).exports).length).toBeGreaterThan(0)
  })

  it('loads with require() from CommonJS, without the @tokenguard/source condition', async () => {
    expect(await requireFromCjs(name)).toEqual(expectedShape(name))
  })

  it('offers the same exports to import() and require()', async () => {
    const [esm, cjs] = (await Promise.all([importFromEsm(name), requireFromCjs(name)])) as {
      exports: unknown
    }[]
    expect(cjs?.exports).toEqual(esm?.exports)
  })
})

describe('@tokenguard/core build output', () => {
  it('has one OAuthError class for import(), require() and the errors of the other packages', async () => {
    const script = `
      const cjs = require('@tokenguard/core')
      const { createJwtVerifier } = require('@tokenguard/jwt-verify')
      import('@tokenguard/core').then(async (esm) => {
        const verifier = createJwtVerifier({ issuer: 'https://issuer.test', audience: 'api', jwksUri: 'https://issuer.test/jwks' })
        const error = await verifier.verify('not-a-jwt').catch((e) => e)
        console.log(JSON.stringify({
          same: esm.OAuthError === cjs.OAuthError,
          instance: error instanceof cjs.OAuthError,
          code: error.code,
        }))
      })`
    expect(await node(['--input-type=commonjs', '-e', script])).toEqual({
      same: true,
      instance: true,
      code: 'invalid_token',
    })
  })
})
