import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AuthorizationRequest } from './authorization-request.js'
import { AUTHORIZATION_PARAMS, parseAuthorizationRequest } from './authorization-request.js'
import { isSubject, MAX_SUBJECT_LENGTH } from './authorization-settings.js'
import type { ConsentTokens } from './consent-tokens.js'
import type { GrantServer } from './grant-server.js'
import { escapeHtml, hiddenInputs, sendHtml } from './html-page.js'
import { readPageParams } from './read-params.js'
import { redirectUrl, sendRedirect } from './redirect.js'

/** What `/authorize` reads. */
export interface AuthorizeContext {
  readonly server: GrantServer
  readonly consent: ConsentTokens
  /** The issuer identifier, sent back as `iss` (RFC 9207). */
  readonly issuer: string
  readonly autoApprove: boolean
}

/**
 * Answers `/authorize` (RFC 6749 §4.1.1): a GET shows a login and consent form, its POST
 * approves or denies; with auto-approval, any valid request is approved at once for the
 * configured subject. The answer goes to the client's registered redirect URI only, with
 * `state` exactly as sent and `iss`.
 */
export async function answerAuthorize(
  req: IncomingMessage,
  res: ServerResponse,
  context: AuthorizeContext,
): Promise<void> {
  try {
    const params = await readPageParams(req, res)
    if (params === undefined) return
    const parsed = parseAuthorizationRequest(params, context.server.clients)
    if (parsed.kind === 'show') return showError(req, res, parsed.message)
    if (parsed.kind === 'redirect') {
      const { redirectUri, error, description, state } = parsed
      const answer = { error, error_description: description, state, iss: context.issuer }
      return sendRedirect(res, req.method, redirectUrl(redirectUri, answer))
    }
    const { request } = parsed
    if (context.autoApprove)
      return approve(req, res, context, request, context.server.settings.subject)
    const purpose = `authorize ${request.client.client_id}`
    const nowMs = context.server.now()
    if (req.method !== 'POST') {
      const token = context.consent.issue(purpose, nowMs)
      return sendHtml(req, res, 200, 'Sign in', consentForm(request, params, token, context))
    }
    if (!context.consent.use(params.get('consent') ?? undefined, purpose, nowMs)) {
      return showError(req, res, 'This form expired or was already used; start again from the app.')
    }
    const decision = params.get('decision')
    if (decision === 'deny') {
      const answer = {
        error: 'access_denied',
        error_description: 'the user denied the request',
        state: request.state,
        iss: context.issuer,
      }
      return sendRedirect(res, req.method, redirectUrl(request.redirectUri, answer))
    }
    const username = params.get('username')
    if (decision !== 'approve' || !isSubject(username)) {
      return showError(
        req,
        res,
        `Choose Approve or Deny, with a user of 1 to ${MAX_SUBJECT_LENGTH} characters.`,
      )
    }
    approve(req, res, context, request, username)
  } catch {
    if (!res.headersSent && !res.destroyed) sendHtml(req, res, 500, 'Server error', '')
  }
}

function approve(
  req: IncomingMessage,
  res: ServerResponse,
  context: AuthorizeContext,
  request: AuthorizationRequest,
  sub: string,
): void {
  const code = context.server.issueCode({
    clientId: request.client.client_id,
    redirectUri: request.redirectUri,
    redirectUriGiven: request.redirectUriGiven,
    challenge: request.challenge,
    scope: request.scope,
    sub,
    nonce: request.nonce,
    authTimeSec: Math.floor(context.server.now() / 1000),
  })
  const answer = { code, state: request.state, iss: context.issuer }
  sendRedirect(res, req.method, redirectUrl(request.redirectUri, answer))
}

function consentForm(
  request: AuthorizationRequest,
  params: URLSearchParams,
  token: string,
  context: AuthorizeContext,
): string {
  const carried = AUTHORIZATION_PARAMS.flatMap((name) => {
    const value = params.get(name)
    return value === null ? [] : [[name, value] as const]
  })
  const scope =
    request.scope === ''
      ? 'no particular scope'
      : `the scope <code>${escapeHtml(request.scope)}</code>`
  return (
    `<p><strong>${escapeHtml(request.client.client_id)}</strong> asks for ${scope}, ` +
    `answering to <code>${escapeHtml(request.redirectUri)}</code>.</p>` +
    `<form method="post" action="/authorize">${hiddenInputs([...carried, ['consent', token]])}` +
    `<label>User (sub) <input name="username" ` +
    `value="${escapeHtml(context.server.settings.subject)}" ` +
    `required maxlength="${MAX_SUBJECT_LENGTH}" autocomplete="username"></label>` +
    `<p class="muted">No password: this test issuer signs anyone in as the user named.</p>` +
    `<button type="submit" name="decision" value="approve">Approve</button>` +
    `<button type="submit" name="decision" value="deny" formnovalidate>Deny</button></form>`
  )
}

function showError(req: IncomingMessage, res: ServerResponse, message: string): void {
  sendHtml(req, res, 400, 'Authorization failed', `<p>${escapeHtml(message)}</p>`)
}
