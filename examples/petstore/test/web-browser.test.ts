import { spawn } from 'node:child_process'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { SessionRecord } from '@tokenguard/client'
import { createMemoryStore, type Store } from '@tokenguard/core'
import { launchChromium } from '@tokenguard/test-support/browser'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { startPetstoreSystem, type RunningPetstoreSystem } from '../src/system.js'

// The whole PetStore in a real browser (Debian's Chromium through playwright-core): login,
// consent, the dashboard, adopt, two tabs, a tampered state, logout with revocation, tokens
// out of the page's reach, the consent page's escaping, and the CLI's device flow approved in
// the browser. Screenshots go to test-artifacts/ (not committed).

const EXAMPLE_DIR = fileURLToPath(new URL('..', import.meta.url))
const ARTIFACTS = join(EXAMPLE_DIR, '..', '..', 'test-artifacts')

let system: RunningPetstoreSystem
let closeBrowser: () => Promise<void>
let newContext: () => Promise<BrowserContext>
const records: SessionRecord[] = []

beforeAll(async () => {
  const store = createMemoryStore<SessionRecord>()
  const recording: Store<SessionRecord> = {
    get: (key) => store.get(key),
    set: (key, value, ttl) => {
      if (!key.endsWith('|refresh-lock')) records.push(value)
      return store.set(key, value, ttl)
    },
    delete: (key) => store.delete(key),
    setIfAbsent: async (key, value, ttl) => (await store.setIfAbsent?.(key, value, ttl)) ?? false,
  }
  system = await startPetstoreSystem({ port: 0, webPort: 0, statsPort: 0, sessionStore: recording })
  const chromium = await launchChromium()
  const { browser } = chromium
  closeBrowser = () => chromium.close()
  newContext = () => browser.newContext()
}, 60_000)

afterAll(async () => {
  await closeBrowser?.()
  await system?.close()
})

async function freshPage(): Promise<Page> {
  const context = await newContext()
  onTestFinished(() => context.close())
  return context.newPage()
}

/** Logs in from the home page as `user` through the authorization server's consent page. */
async function logIn(page: Page, user = 'alice'): Promise<void> {
  await page.goto(system.webUrl)
  await page.getByRole('link', { name: 'Log in with PetStore' }).click()
  await page.waitForURL(`${system.authorizationServerUrl}/authorize**`)
  await page.locator('input[name="username"]').fill(user)
  await page.getByRole('button', { name: 'Approve' }).click()
  await page.waitForURL(`${system.webUrl}/dashboard`)
}

describe('the PetStore web app in Chromium', () => {
  it('logs in through consent to a dashboard that lists the pets and the stats', async () => {
    const page = await freshPage()
    await page.goto(system.webUrl)
    await page.screenshot({ path: join(ARTIFACTS, 'petstore-home.png') })
    await page.getByRole('link', { name: 'Log in with PetStore' }).click()
    await page.waitForURL(`${system.authorizationServerUrl}/authorize**`)
    await page.screenshot({ path: join(ARTIFACTS, 'petstore-login.png') })
    await page.locator('input[name="username"]').fill('alice')
    await page.getByRole('button', { name: 'Approve' }).click()
    await page.waitForURL(`${system.webUrl}/dashboard`)
    await expect.poll(() => page.locator('#user').textContent()).toMatch(/Logged in as alice/i)
    const names = await page.locator('#pets td:first-child').allTextContents()
    expect(names.length).toBeGreaterThan(0)
    expect(await page.locator('#stats').textContent()).toMatch(
      /\d+ pets, \d+ adopted, \d+ available \(from the stats service\)/,
    )
    await page.screenshot({ path: join(ARTIFACTS, 'petstore-dashboard.png') })
  })

  it('adopts a pet with a CSRF-protected form and shows it as adopted', async () => {
    const page = await freshPage()
    await logIn(page)
    const row = page
      .locator('#pets tr', { has: page.getByRole('button', { name: 'Adopt' }) })
      .first()
    const name = await row.locator('td').first().textContent()
    await row.getByRole('button', { name: 'Adopt' }).click()
    await page.waitForURL(`${system.webUrl}/dashboard`)
    const adopted = page.locator('#pets tr', { hasText: name ?? '' })
    expect(await adopted.locator('td[data-status]').textContent()).toBe('adopted')
    // A form without the session's CSRF token is refused.
    const forged = await page.request.post(`${system.webUrl}/adopt`, {
      form: { petId: '2', csrf: 'forged' },
      maxRedirects: 0,
    })
    expect(forged.status()).toBe(403)
  })

  it('lets two tabs log in at the same time: both land on the dashboard', async () => {
    const context = await newContext()
    onTestFinished(() => context.close())
    const [first, second] = await Promise.all([context.newPage(), context.newPage()])
    await Promise.all(
      [first, second].map((page) => page.goto(`${system.webUrl}/login?returnTo=%2Fdashboard`)),
    )
    for (const page of [first, second]) {
      await page.waitForURL(`${system.authorizationServerUrl}/authorize**`)
    }
    await Promise.all(
      [first, second].map((page) => page.getByRole('button', { name: 'Approve' }).click()),
    )
    for (const page of [first, second]) {
      await page.waitForURL(`${system.webUrl}/dashboard`)
      expect(await page.locator('#user').textContent()).toContain('Logged in as')
    }
  })

  it('shows a clear error page for a tampered state, and starts no session', async () => {
    const page = await freshPage()
    await page.goto(`${system.webUrl}/login?returnTo=%2Fdashboard`)
    await page.waitForURL(`${system.authorizationServerUrl}/authorize**`)
    // The authorization server's redirect back carries a state the attacker changed.
    await page.route(`${system.authorizationServerUrl}/authorize`, async (route) => {
      const answer = await route.fetch({ maxRedirects: 0 })
      const location = new URL(answer.headers().location ?? '')
      location.searchParams.set('state', 'tampered')
      await route.fulfill({ status: 302, headers: { location: location.href } })
    })
    const written = records.length
    await page.getByRole('button', { name: 'Approve' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Login failed')
    expect(await page.textContent('body')).toMatch(
      /does not belong to a login started in this browser/,
    )
    expect((await page.context().cookies()).map((cookie) => cookie.name)).not.toContain(
      'tokenguard.sid',
    )
    expect(records.length).toBe(written)
  })

  it('keeps the tokens where no page script can read them, behind an HttpOnly, SameSite=Lax cookie', async () => {
    const page = await freshPage()
    const before = records.length
    await logIn(page)
    const session = records.slice(before).at(-1)
    expect(session?.accessToken).toEqual(expect.any(String))
    // Run in the page, as its own script would: a string, since this file has no DOM types.
    const reachable = await page.evaluate<Record<string, string>>(`({
      cookie: document.cookie,
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      html: document.documentElement.outerHTML,
    })`)
    for (const secret of [session?.accessToken, session?.refreshToken, session?.idToken]) {
      expect(secret).toEqual(expect.any(String))
      for (const [where, text] of Object.entries(reachable))
        expect(text.includes(secret ?? ''), where).toBe(false)
    }
    expect(reachable.cookie).toBe('')
    const cookie = (await page.context().cookies()).find((entry) => entry.name === 'tokenguard.sid')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: true })
  })

  it('logs out: the refresh token is revoked at the authorization server and the dashboard asks to log in', async () => {
    const page = await freshPage()
    const before = records.length
    await logIn(page)
    const refreshToken = records.slice(before).at(-1)?.refreshToken ?? ''
    const issuer = system.petstore.authorizationServer!.issuer
    expect(issuer.introspect(refreshToken).active).toBe(true)
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.waitForURL(`${system.webUrl}/`)
    expect(issuer.introspect(refreshToken).active).toBe(false)
    await page.goto(`${system.webUrl}/dashboard`)
    await page.waitForURL(`${system.authorizationServerUrl}/authorize**`)
  })

  it('escapes a hostile scope and state on the consent page: no script runs, no markup lands', async () => {
    const page = await freshPage()
    const dialogs: string[] = []
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message())
      void dialog.dismiss()
    })
    const hostile = '"><img src=x onerror="alert(1)"><script>alert(2)</script>'
    const url = new URL(`${system.authorizationServerUrl}/authorize`)
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: system.clients.web,
      redirect_uri: `${system.webUrl}/callback`,
      scope: `openid ${hostile}`,
      state: hostile,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString()
    await page.goto(url.href)
    const injected = await page.evaluate<number>("document.querySelectorAll('img, script').length")
    expect(injected).toBe(0)
    expect(dialogs).toEqual([])
    url.searchParams.set('scope', 'openid')
    await page.goto(url.href)
    expect(await page.evaluate<number>("document.querySelectorAll('img, script').length")).toBe(0)
    expect(await page.locator('input[name="state"]').getAttribute('value')).toBe(hostile)
    expect(dialogs).toEqual([])
  })
})

describe('the PetStore CLI', () => {
  it('logs in with the device flow approved in the browser, lists the pets, and logs out', async () => {
    const configDir = await mkdtemp(join(tmpdir(), 'petstore-cli-'))
    onTestFinished(() => rm(configDir, { recursive: true, force: true }))
    const env = {
      ...process.env,
      PETSTORE_API: system.petstore.url,
      PETSTORE_CONFIG_DIR: configDir,
      NODE_OPTIONS: '',
    }
    const run = (command: string, onLine?: (line: string) => void) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          ['--conditions=@tokenguard/source', '--import', 'tsx', 'src/cli/main.ts', command],
          {
            cwd: EXAMPLE_DIR,
            env,
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        )
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
        let out = ''
        let err = ''
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          for (const line of chunk.toString().split('\n')) onLine?.(line)
        })
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
        child.once('exit', (code) => {
          clearTimeout(timer)
          resolve({ code, out, err })
        })
      })
    const page = await freshPage()
    let approval: Promise<void> | undefined
    const login = await run('login', (line) => {
      const url = /^Open (http\S+)/.exec(line)?.[1]
      if (url === undefined || approval !== undefined) return
      approval = (async () => {
        await page.goto(url)
        await page.getByRole('button', { name: 'Approve' }).click()
        await page.waitForLoadState()
      })()
    })
    await approval
    expect(login, login.err).toMatchObject({ code: 0 })
    expect(login.out).toMatch(/Logged in/)
    const file = join(configDir, 'credentials.json')
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    const pets = await run('pets')
    expect(pets, pets.err).toMatchObject({ code: 0 })
    expect(pets.out).toMatch(/\d+ {2}\S+.*(available|adopted)/)
    expect(`${login.out}${pets.out}${login.err}${pets.err}`).not.toMatch(/eyJ/)
    const logout = await run('logout')
    expect(logout.code).toBe(0)
    await expect(stat(file)).rejects.toThrow()
  }, 90_000)
})
