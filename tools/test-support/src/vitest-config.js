// Plain JavaScript on purpose: vitest loads a package's vitest.config.ts through Node, which
// cannot import TypeScript from another workspace package. Types: vitest-config.d.ts.
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vitest/config'

const CONDITIONS = ['@tokenguard/source']
const REDIS_SETUP = fileURLToPath(new URL('./redis-global-setup.ts', import.meta.url))

/**
 * The vitest configuration of one package, so `vitest run` works from the package's folder:
 * its `test/**` files, the workspace packages resolved to their TypeScript sources through
 * the `@tokenguard/source` condition, and a redis-server when the package needs one.
 *
 * @param {import('./vitest-config.js').PackageTestConfigOptions} [options]
 * @returns {import('vitest/config').ViteUserConfig}
 */
export function packageTestConfig(options = {}) {
  return defineConfig({
    resolve: { conditions: CONDITIONS },
    ssr: { resolve: { conditions: CONDITIONS } },
    test: {
      include: ['test/**/*.test.ts'],
      exclude: ['**/node_modules/**', '**/dist/**'],
      ...(options.redis === true ? { globalSetup: [REDIS_SETUP] } : {}),
      testTimeout: 20_000,
      hookTimeout: 20_000,
    },
  })
}
