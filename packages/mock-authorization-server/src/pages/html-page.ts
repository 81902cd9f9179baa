import type { IncomingMessage, ServerResponse } from 'node:http'

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Escapes `value` for HTML text and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char)
}

/** Hidden form inputs for `fields`, every name and value escaped. */
export function hiddenInputs(fields: Iterable<readonly [string, string]>): string {
  let html = ''
  for (const [name, value] of fields) {
    html += `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`
  }
  return html
}

const STYLE =
  'body{font:16px system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}' +
  'label,button{display:block;margin:.75rem 0}input{font:inherit;padding:.25rem}' +
  'button{font:inherit;padding:.4rem 1rem}.muted{color:#666;font-size:.9rem}'

/**
 * Ends `res` with a small self-contained HTML page: no external assets, no scripts
 * (`Content-Security-Policy: default-src 'none'`), never framed, never cached. `body` must
 * already be escaped; `headers` are added to the answer.
 */
export function sendHtml(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  title: string,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body><main><h1>${escapeHtml(title)}</h1>${body}` +
    `<p class="muted">tokenguard mock authorization server: for tests and local development only.</p>` +
    `</main></body></html>`
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    'Content-Security-Policy':
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    ...headers,
  })
  res.end(req.method === 'HEAD' ? undefined : html)
}
