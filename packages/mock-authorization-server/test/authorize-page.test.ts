import { errorLike } from '@tokenguard/test-support/errors'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createMockAuthorizationServer } from '../src/index.js'
import type { MockAuthorizationServer, RunningAuthorizationServer } from '../src/index.js'
import { postForm } from '@tokenguard/test-support/form-requests'
import { authorize, pkcePair, redirectParams, tokenRequest } from './support/oauth-flows.js'

const CALLBACK = 'https://app.test/callback'

/** The hidden and visible fields of the first form of `html`, as a browser would post them. */
function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const match of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) {
    fields[unescape(match[1]!)] = unescape(match[2]!)
  }
  return fields
}

function unescape(value: string): string {
  return value
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&')
}

describe('the /authorize login and consent page', () => {
  let server: MockAuthorizationServer
  let running: RunningAuthorizationServer

  beforeAll(async () => {
    server = await createMockAuthorizationServer({
      issuerOptions: { algorithms: ['ES256'] },
      clients: [
        {
          client_id: 'spa<b>',
          token_endpoint_auth_method: 'none',
          redirect_uris: [CALLBACK],
          scope: 'pets:read',
        },
      ],
    })
    running = await server.listen()
  })

  afterAll(() => running.close())

  const HOSTILE_STATE = '"><script>alert(1)</script>&amp;'

  const openPage = async () => {
    const { verifier, challenge } = pkcePair()
    const response = await authorize(running, {
      response_type: 'code',
      client_id: 'spa<b>',
      redirect_uri: CALLBACK,
      scope: 'pets:read',
      state: HOSTILE_STATE,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    return { response, html: await response.text(), verifier }
  }

  it('shows a self-contained form with every echoed value escaped', async () => {
    const { response, html } = await openPage()
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('x-frame-options')).toBe('DENY')
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('spa<b>')
    expect(html).toContain('spa&lt;b&gt;')
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;')
    expect(html).not.toMatch(/(src|href)=/)
    expect(formFields(html)).toMatchObject({ state: HOSTILE_STATE, username: 'user-123' })
  })

  it('approves the form for the user named, returning state untouched', async () => {
    const { html, verifier } = await openPage()
    const response = await fetch(running.authorizationEndpoint, {
      method: 'POST',
      body: new URLSearchParams({ ...formFields(html), username: 'bob', decision: 'approve' }),
      redirect: 'manual',
    })
    expect(response.status).toBe(303)
    const { target, params } = redirectParams(response)
    expect(target).toBe(CALLBACK)
    expect(params.get('state')).toBe(HOSTILE_STATE)
    const { body } = await tokenRequest(running, {
      grant_type: 'authorization_code',
      client_id: 'spa<b>',
      code: params.get('code')!,
      code_verifier: verifier,
      redirect_uri: CALLBACK,
    })
    expect(decodeJwt(body.access_token as string)).toMatchObject({ sub: 'bob', scope: 'pets:read' })
  })

  it('redirects access_denied with state when the user denies', async () => {
    const { html } = await openPage()
    const response = await fetch(running.authorizationEndpoint, {
      method: 'POST',
      body: new URLSearchParams({ ...formFields(html), decision: 'deny' }),
      redirect: 'manual',
    })
    const { params } = redirectParams(response)
    expect(params.get('error')).toBe('access_denied')
    expect(params.get('state')).toBe(HOSTILE_STATE)
    expect(params.get('code')).toBeNull()
  })

  it('refuses a form posted without the token of a served page, or a second time', async () => {
    const { html } = await openPage()
    const fields = { ...formFields(html), decision: 'approve' }
    const forged = await postForm(
      running.authorizationEndpoint,
      { ...fields, consent: 'forged' },
      {},
    )
    expect(forged.status).toBe(400)
    expect(await forged.text()).toContain('This form expired or was already used')
    const first = await fetch(running.authorizationEndpoint, {
      method: 'POST',
      body: new URLSearchParams(fields),
      redirect: 'manual',
    })
    expect(first.status).toBe(303)
    const again = await fetch(running.authorizationEndpoint, {
      method: 'POST',
      body: new URLSearchParams(fields),
      redirect: 'manual',
    })
    expect(again.status).toBe(400)
  })

  it('refuses an empty or overlong user name', async () => {
    for (const username of ['', 'x'.repeat(257)]) {
      const { html } = await openPage()
      const response = await postForm(running.authorizationEndpoint, {
        ...formFields(html),
        username,
        decision: 'approve',
      })
      expect(response.status).toBe(400)
    }
  })

  it('redirects at once when the server option autoApprove is set', async () => {
    const auto = await createMockAuthorizationServer({
      issuerOptions: { algorithms: ['ES256'] },
      autoApprove: true,
      subject: 'carol',
      clients: [
        { client_id: 'spa', token_endpoint_auth_method: 'none', redirect_uris: [CALLBACK] },
      ],
    })
    const listening = await auto.listen()
    onTestFinished(() => listening.close())
    const { verifier, challenge } = pkcePair()
    const response = await authorize(listening, {
      response_type: 'code',
      client_id: 'spa',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    expect(response.status).toBe(302)
    const { body } = await tokenRequest(listening, {
      grant_type: 'authorization_code',
      client_id: 'spa',
      code: redirectParams(response).params.get('code')!,
      code_verifier: verifier,
    })
    expect(decodeJwt(body.access_token as string).sub).toBe('carol')
    const page = await createMockAuthorizationServer({
      issuerOptions: { algorithms: ['ES256'] },
      autoApprove: true,
    })
    await expect(page.listen({ autoApprove: 'yes' as never })).rejects.toThrow(TypeError)
    await expect(page.listen({ autoApprove: 'yes' as never })).rejects.toThrow(
      errorLike(TypeError, 'autoApprove must be a boolean'),
    )
  })
})
