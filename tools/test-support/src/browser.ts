import { spawnSync } from 'node:child_process'
import { chromium, type Browser } from 'playwright-core'

/** A headless Chromium of a test; playwright gives it a fresh, empty profile each launch. */
export interface TestBrowser {
  readonly browser: Browser
  close(): Promise<void>
}

// The machine's own Chromium (Debian's, installed by scripts/ensure-test-tools.mjs):
// playwright-core never downloads a browser.
function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH
  if (configured !== undefined && configured !== '') return configured
  const found = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
    encoding: 'utf8',
  }).stdout.trim()
  if (found === '') {
    throw new Error(
      'The browser tests need Chromium on PATH: run `node scripts/ensure-test-tools.mjs` (or set CHROMIUM_PATH)',
    )
  }
  return found
}

// No network but loopback here: keep Chromium from calling home, and let it run as root.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
]

/**
 * Launches headless Chromium for a test, talking only to 127.0.0.1.
 *
 * @example
 * const { browser, close } = await launchChromium()
 * onTestFinished(close)
 */
export async function launchChromium(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ARGS,
    timeout: 30_000,
  })
  return {
    browser,
    close: () => browser.close().catch(() => undefined),
  }
}
