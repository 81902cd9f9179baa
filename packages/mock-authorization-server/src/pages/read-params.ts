import type { IncomingMessage, ServerResponse } from 'node:http'
import { escapeHtml, sendHtml } from './html-page.js'
import { readForm } from '@tokenguard/test-tokens/internal'

/**
 * The parameters of a browser request to a page: the query of a GET, the form of a POST
 * (bounded as every form is). On a bad form, answers an HTML error and returns `undefined`.
 */
export async function readPageParams(
  req: IncomingMessage,
  res: ServerResponse,
): Promise<URLSearchParams | undefined> {
  if (req.method !== 'POST') return new URL(req.url ?? '/', 'http://127.0.0.1').searchParams
  const form = await readForm(req)
  if (!form.ok) {
    sendHtml(req, res, form.status, 'Bad request', `<p>${escapeHtml(form.description)}</p>`)
    return undefined
  }
  return new URLSearchParams([...form.params])
}
