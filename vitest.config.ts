import { defineConfig } from 'vitest/config'

// One run over the whole workspace. Packages resolve to their TypeScript sources through our
// own `@tokenguard/source` export condition (never a name a user's tool sets), so no build is
// needed before the tests. Each package also has a vitest.config.ts of its own, so
// `vitest run` works from its folder.
export default defineConfig({
  resolve: { conditions: ['@tokenguard/source'] },
  ssr: { resolve: { conditions: ['@tokenguard/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // test/tarballs runs on its own (`pnpm test:tarballs`): it rebuilds a package's dist/.
    exclude: ['**/node_modules/**', '**/dist/**', 'test/tarballs/**'],
    // One real redis-server on 127.0.0.1 for the run; tests read its URL with inject('redisUrl').
    globalSetup: ['./tools/test-support/src/redis-global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default', './tools/test-support/src/summary-reporter.ts'],
  },
})
