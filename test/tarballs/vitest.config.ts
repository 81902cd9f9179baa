import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// `pnpm test:tarballs`, a step of .ci/run of its own: the packages packed, installed with npm
// into an app outside the workspace and used there. Not part of `pnpm test`: it rebuilds
// packages/scopes/dist, which the other tests' build-output check would race with. No
// `@tokenguard/source` condition here: everything it checks runs in child processes.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/tarballs/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
})
