import { writeSync } from 'node:fs'
import type { Reporter, TestModule } from 'vitest/node'

/**
 * Ends the run with one plain line, `tests: N passed, N failed, N skipped`. It is written
 * when the process exits, so it stays the last line whatever the default reporter prints.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
        else skipped++
      }
      // A file that failed to load has no tests but must count as a failure.
      if (module.state() === 'failed' && module.children.size === 0) failed++
    }
    const line = `tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`
    process.once('exit', () => writeSync(1, line))
  }
}
