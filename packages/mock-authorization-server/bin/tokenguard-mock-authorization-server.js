#!/usr/bin/env node
// The command's entry point. It is committed, so every install can link the bin before any
// build. Published, it runs the built CLI (dist/cli.js). In the tokenguard repository, where
// the package's tsconfig.json sits beside this folder, it runs the TypeScript source through
// tsx with the in-repo `@tokenguard/source` export condition, so no build is needed.
import { existsSync } from 'node:fs'
import { register } from 'node:module'
import { URL } from 'node:url'

const inRepository = existsSync(new URL('../tsconfig.json', import.meta.url))

if (inRepository) {
  const { register: registerTsx } = await import('tsx/esm/api')
  registerTsx()
  // Resolve the workspace packages to their sources, as `--conditions=@tokenguard/source` would.
  register(
    'data:text/javascript,' +
      encodeURIComponent(
        'export function resolve(specifier, context, next) {' +
          ' return next(specifier, { ...context, conditions: [...context.conditions, "@tokenguard/source"] }) }',
      ),
  )
  await import('../src/cli.ts')
} else {
  await import('../dist/cli.js')
}
