import type { IncomingMessage, ServerResponse } from 'node:http'
import { isSubject, MAX_SUBJECT_LENGTH } from '../settings/authorization-settings.js'
import type { GrantServer } from '../grants/grant-server.js'
import type { AddressLockouts } from '../stores/address-lockouts.js'
import type { ConsentTokens } from '../stores/consent-tokens.js'
import { escapeHtml, hiddenInputs, sendHtml } from './html-page.js'
import { readPageParams } from './read-params.js'

const PURPOSE = 'device'
const MAX_USER_CODE_LENGTH = 16

/** What the device verification page reads and counts. */
export interface DeviceVerificationContext {
  readonly server: GrantServer
  readonly consent: ConsentTokens
  readonly lockouts: AddressLockouts
}

/**
 * Answers the device verification page (RFC 8628 §3.3): a GET shows a form for the user
 * code (filled in from `?user_code=`, as `verification_uri_complete` sends it), its POST
 * approves or denies. Wrong codes are limited per client address and per device code
 * (RFC 8628 §5.1): a locked-out address gets 429 with `Retry-After`, whatever it sends.
 * Messages never repeat the code.
 */
export async function answerDeviceVerification(
  req: IncomingMessage,
  res: ServerResponse,
  { server, consent, lockouts }: DeviceVerificationContext,
): Promise<void> {
  try {
    const params = await readPageParams(req, res)
    if (params === undefined) return
    const nowMs = server.now()
    const address = req.socket.remoteAddress ?? ''
    if (req.method !== 'POST') {
      const token = consent.issue(PURPOSE, nowMs)
      const userCode = (params.get('user_code') ?? '').slice(0, MAX_USER_CODE_LENGTH)
      return sendHtml(req, res, 200, 'Connect a device', form(userCode, token, server))
    }
    const waitMs = lockouts.lockedForMs(address, nowMs)
    if (waitMs > 0) return tooManyGuesses(req, res, waitMs)
    if (!consent.use(params.get('consent') ?? undefined, PURPOSE, nowMs)) {
      return fail(req, res, 'This form expired or was already used; load the page again.')
    }
    const decision = params.get('decision')
    const username = params.get('username')
    if (decision !== 'deny' && (decision !== 'approve' || !isSubject(username))) {
      return fail(
        req,
        res,
        `Choose Approve or Deny, with a user of 1 to ${MAX_SUBJECT_LENGTH} characters.`,
      )
    }
    const sub = decision === 'approve' ? (username ?? undefined) : undefined
    if (!server.decideDevice(params.get('user_code') ?? '', sub)) {
      lockouts.wrong(address, nowMs)
      server.wrongUserCode()
      return fail(req, res, 'The code is unknown, expired or already used.')
    }
    const done = sub === undefined ? 'Device denied' : 'Device approved'
    sendHtml(req, res, 200, done, '<p>You can return to your device.</p>')
  } catch {
    if (!res.headersSent && !res.destroyed) sendHtml(req, res, 500, 'Server error', '')
  }
}

function form(userCode: string, token: string, server: GrantServer): string {
  return (
    `<form method="post" action="/device">${hiddenInputs([['consent', token]])}` +
    `<label>Code shown on the device <input name="user_code" value="${escapeHtml(userCode)}" ` +
    `required maxlength="${MAX_USER_CODE_LENGTH}" autocomplete="off"></label>` +
    `<label>User (sub) <input name="username" value="${escapeHtml(server.settings.subject)}" ` +
    `required maxlength="${MAX_SUBJECT_LENGTH}" autocomplete="username"></label>` +
    `<button type="submit" name="decision" value="approve">Approve</button>` +
    `<button type="submit" name="decision" value="deny" formnovalidate>Deny</button></form>`
  )
}

function tooManyGuesses(req: IncomingMessage, res: ServerResponse, waitMs: number): void {
  const waitSec = Math.ceil(waitMs / 1000)
  const minutes = Math.ceil(waitSec / 60)
  const message = `Too many wrong codes from this address; try again in ${minutes} min.`
  sendHtml(req, res, 429, 'Device not connected', `<p>${escapeHtml(message)}</p>`, {
    'Retry-After': String(waitSec),
  })
}

function fail(req: IncomingMessage, res: ServerResponse, message: string): void {
  sendHtml(req, res, 400, 'Device not connected', `<p>${escapeHtml(message)}</p>`)
}
