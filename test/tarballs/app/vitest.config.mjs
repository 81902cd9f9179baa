import { appendFileSync } from 'node:fs'
import { defineConfig } from 'vitest/config'

// The app's own vitest config, with vitest's default resolve conditions (which include
// `development`). The plugin only watches: it appends each file Vite resolved an
// `@tokenguard/*` import to, and each file under a package's src/ that Vite loaded, to the
// JSON-lines file TOKENGUARD_RESOLUTIONS names.
const record = (entry) =>
  appendFileSync(process.env.TOKENGUARD_RESOLUTIONS, `${JSON.stringify(entry)}\n`)

export default defineConfig({
  plugins: [
    {
      name: 'record-tokenguard-resolutions',
      enforce: 'pre',
      async resolveId(source, importer, options) {
        if (!source.startsWith('@tokenguard/')) return null
        const resolved = await this.resolve(source, importer, { ...options, skipSelf: true })
        record({ source, resolved: resolved?.id ?? null })
        return resolved
      },
      load(id) {
        if (/[\\/]@tokenguard[\\/][^\\/]+[\\/]src[\\/]/.test(id)) record({ loadedSource: id })
        return null
      },
    },
  ],
  test: { include: ['vitest/**/*.test.ts'] },
})
