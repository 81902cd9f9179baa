import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AuthorizationRequest } from './authorization-request.js'
import { parseAuthorizationRequest } from './authorization-request.js'
import { isSubject, MAX_SUBJECT_LENGTH } from '../settings/authorization-settings.js'
import type { ConsentTokens } from '../stores/consent-tokens.js'
import type { GrantServer } from '../grants/grant-server.js'
import { consentPage } from '../pages/consent-page.js'
import { escapeHtml, sendHtml } from '../pages/html-page.js'
import { readPageParams } from '../pages/read-params.js'
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
      return sendHtml(
        req,
        res,
        200,
        'Sign in',
        consentPage(request, params, token, context.server.settings.subject),
      )
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

function showError(req: IncomingMessage, res: ServerResponse, message: string): void {
  sendHtml(req, res, 400, 'Authorization failed', `<p>${escapeHtml(message)}</p>`)
}
