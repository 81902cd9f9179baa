import type { AuthorizationRequest } from '../endpoints/authorization-request.js'
import { AUTHORIZATION_PARAMS } from '../endpoints/authorization-request.js'
import { MAX_SUBJECT_LENGTH } from '../settings/authorization-settings.js'
import { escapeHtml, hiddenInputs } from './html-page.js'

/**
 * The login and consent form of `/authorize`: who asks for what, a user name (any, no
 * password), Approve or Deny. It carries the request's parameters and the single-use form
 * `token`; every echoed value is escaped.
 */
export function consentPage(
  request: AuthorizationRequest,
  params: URLSearchParams,
  token: string,
  subject: string,
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
    `value="${escapeHtml(subject)}" ` +
    `required maxlength="${MAX_SUBJECT_LENGTH}" autocomplete="username"></label>` +
    `<p class="muted">No password: this mock server signs anyone in as the user named.</p>` +
    `<button type="submit" name="decision" value="approve">Approve</button>` +
    `<button type="submit" name="decision" value="deny" formnovalidate>Deny</button></form>`
  )
}
