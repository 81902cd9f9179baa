// The log lines of the redaction benchmark (src/redact-bench.ts): what an API logs, with the
// credentials it should not, and the pino configurations they are written through.
import { randomBytes } from 'node:crypto'
import { createPinoRedaction, PINO_REDACT_PATHS } from '@tokenguard/redact'
import { pino, type Logger } from 'pino'

/** One log call: the arguments given to `logger.info`. */
export interface LogLine {
  readonly id: string
  readonly label: string
  readonly args: readonly unknown[]
}

/** The paths a pino-http setup typically redacts, as its documentation shows. */
export const TYPICAL_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'req.query.access_token',
]

function base64url(bytes: number): string {
  return randomBytes(bytes).toString('base64url')
}

/** A JWT-shaped access token, made at start; nothing is signed while timing. */
function jwtShaped(): string {
  const header = Buffer.from('{"alg":"RS256","typ":"at+jwt","kid":"k1"}').toString('base64url')
  const claims = { iss: 'https://issuer.test', sub: 'alice', scope: 'pets:read', jti: base64url(8) }
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${base64url(256)}`
}

/** The lines, and every secret they carry. */
export function buildLines(): { lines: LogLine[]; secrets: string[] } {
  const token = jwtShaped()
  const session = base64url(32)
  const clientSecret = base64url(32)
  const upstream = jwtShaped()
  const error = Object.assign(
    new Error(`introspection refused Bearer ${upstream}`, {
      cause: new Error(
        `upstream answered {"error":"invalid_client","client_secret":"${clientSecret}"}`,
      ),
    }),
    { status: 502 },
  )
  const lines: LogLine[] = [
    {
      id: 'http',
      label: 'pino-http request line (url, query, headers, cookies)',
      args: [
        {
          req: {
            id: 'f4c1c2de-5b7a-4d3e-9a51-7e0c2f1b9a10',
            method: 'GET',
            url: `/api/pets?access_token=${token}&page=2`,
            query: { access_token: token, page: '2' },
            params: {},
            headers: {
              host: 'api.petstore.test',
              'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0',
              accept: 'application/json',
              authorization: `Bearer ${token}`,
              cookie: `sid=${session}; theme=dark`,
              'x-request-id': 'f4c1c2de-5b7a-4d3e-9a51-7e0c2f1b9a10',
            },
            remoteAddress: '10.0.0.12',
            remotePort: 51234,
          },
          res: {
            statusCode: 200,
            headers: {
              'content-type': 'application/json; charset=utf-8',
              'content-length': '42',
              'set-cookie': `sid=${session}; Path=/; HttpOnly; Secure`,
            },
          },
          responseTime: 3,
        },
        'request completed',
      ],
    },
    {
      id: 'event',
      label: 'application event, no credential',
      args: [
        { userId: 42, action: 'adopt', petId: 7, tags: ['dog', 'senior'] },
        'adoption recorded',
      ],
    },
    {
      id: 'error',
      label: 'error with a token in its message and cause',
      args: [{ err: error }, 'upstream failed'],
    },
    {
      id: 'text',
      label: 'free text with a token in a URL',
      args: ['retrying %s', `https://api.partner.test/v1/pets?access_token=${upstream}&limit=10`],
    },
    {
      id: 'body',
      label: 'token request body with a client secret',
      args: [
        {
          body: {
            grant_type: 'client_credentials',
            client_id: 'petstore',
            client_secret: clientSecret,
          },
        },
        'token request',
      ],
    },
  ]
  return { lines, secrets: [token, session, clientSecret, upstream] }
}

/** A pino configuration under test. */
export interface PinoConfig {
  readonly id: string
  readonly label: string
  readonly create: (destination: { write(line: string): void }) => Logger
}

export const PINO_CONFIGS: readonly PinoConfig[] = [
  {
    id: 'plain',
    label: 'pino, no redaction',
    create: (destination) => pino({}, destination),
  },
  {
    id: 'typical',
    label: `pino redact, ${TYPICAL_PATHS.length} typical paths`,
    create: (destination) =>
      pino({ redact: { paths: [...TYPICAL_PATHS], censor: '[REDACTED]' } }, destination),
  },
  {
    id: 'paths',
    label: `pino redact, PINO_REDACT_PATHS (${PINO_REDACT_PATHS.length} paths)`,
    create: (destination) =>
      pino({ redact: { paths: [...PINO_REDACT_PATHS], censor: '[REDACTED]' } }, destination),
  },
  {
    id: 'ours',
    label: 'pino + createPinoRedaction()',
    create: (destination) => pino({ ...createPinoRedaction() }, destination),
  },
]

/** Writes one log call through a logger. */
export function write(logger: Logger, line: LogLine): void {
  Reflect.apply(logger.info, logger, line.args)
}
