import type { ServerResponse } from 'node:http'
import type { OAuthError } from '@tokenguard/core'

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** `text` safe inside HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char)
}

/**
 * A small page for a login that failed (a tampered `state`, a replayed callback, a foreign
 * `iss`, a denied consent): the status, what happened, a link to try again; never a code,
 * token or state value.
 */
export function sendLoginErrorPage(
  res: ServerResponse,
  error: OAuthError,
  loginAgain: string,
): void {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Login failed</title></head>
<body><h1>Login failed</h1><p>${escapeHtml(error.description)}</p>
<p><a href="${escapeHtml(loginAgain)}">Log in again</a></p></body></html>
`
  res.statusCode = error.status
  res.setHeader('Content-Type', 'text/html; charset=utf-8')
  res.setHeader('Cache-Control', 'no-store')
  res.setHeader('Content-Security-Policy', "default-src 'none'")
  res.setHeader('Content-Length', Buffer.byteLength(body))
  res.end(body)
}
