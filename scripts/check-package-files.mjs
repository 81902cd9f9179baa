#!/usr/bin/env node
// Runs as each published package's `prepack`, after its build: refuses to pack (exit 1) when a
// file the manifest points at is missing, so a tarball without dist/ is never made. `tsc -b`
// says "up to date" and emits nothing when outputs were deleted but its tsbuildinfo was not
// (a half-cleaned dist/, an old checkout), and `pnpm pack` would then pack without them and
// exit 0; this check makes that mistake loud.
//
//   node scripts/check-package-files.mjs [package folder]   (default: the current folder)
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import process from 'node:process'

/** The folder's own condition for in-repo development: it points at src/, which ships too. */
const SOURCE_CONDITION = '@tokenguard/source'

/** Every file path of an exports map, with where it was found, e.g. `exports["."].default`. */
function exportTargets(value, where) {
  if (typeof value === 'string') return [[where, value]]
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([key, nested]) =>
    exportTargets(nested, `${where}[${JSON.stringify(key)}]`),
  )
}

/** `[where, path]` for every file the manifest names: main, types, typesVersions, bin, exports. */
function manifestTargets(pkg) {
  const targets = []
  if (typeof pkg.main === 'string') targets.push(['main', pkg.main])
  if (typeof pkg.types === 'string') targets.push(['types', pkg.types])
  for (const [range, paths] of Object.entries(pkg.typesVersions ?? {})) {
    for (const [subpath, files] of Object.entries(paths)) {
      for (const file of files) targets.push([`typesVersions["${range}"]["${subpath}"]`, file])
    }
  }
  const bin = typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {})
  for (const [name, file] of Object.entries(bin)) targets.push([`bin["${name}"]`, file])
  targets.push(...exportTargets(pkg.exports, 'exports'))
  return targets
}

/** The problems that make the folder unfit to pack, one sentence each; empty when it is fit. */
function packProblems(folder) {
  const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'))
  const problems = []
  for (const [where, file] of manifestTargets(pkg)) {
    if (file.includes('*')) continue
    if (!existsSync(join(folder, file))) {
      const fix = where.endsWith(`[${JSON.stringify(SOURCE_CONDITION)}]`)
        ? 'restore the source file'
        : 'run pnpm build (if tsc -b says up to date, delete dist/ and build again)'
      problems.push(`${file} (${where}) is missing: ${fix}`)
    }
  }
  if (!existsSync(join(folder, 'LICENSE'))) {
    problems.push('LICENSE is missing: copy the repository LICENSE into the package folder')
  }
  return { name: pkg.name ?? folder, problems }
}

const folder = resolve(process.argv[2] ?? '.')
const { name, problems } = packProblems(folder)
if (problems.length > 0) {
  process.stderr.write(
    `${name}: refusing to pack, ${problems.length} file(s) missing:\n` +
      problems.map((problem) => `  - ${problem}\n`).join(''),
  )
  process.exit(1)
}
