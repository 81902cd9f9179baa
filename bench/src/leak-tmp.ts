import { inspect } from 'node:util'
import { redact } from '@tokenguard/redact'
const T = 'Xk9fQ2mZpL7wR4tY8uV1sN3bC6dE0gHj'
const J = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU'
let getterReads = 0
const cases: [string, unknown][] = [
  ['toJSON', { toJSON: () => ({ access_token: T }) }],
  [
    'getter',
    Object.defineProperty({}, 'note', {
      enumerable: true,
      get: () => (getterReads++ === 0 ? 'ok' : `Bearer ${T}`),
    }),
  ],
  ['rawHeaders', ['Cookie', `sid=${T}`, 'X-Api-Key', T]],
  ['access_token: T', `access_token: ${T}`],
  ['refresh_token: T\\n', `refresh_token: ${T}\nnext`],
  ['pretty json', `{"access_token" : "${T}"}`],
  ['py literal', `{'access_token': '${T}'}`],
  [
    'inspect in error',
    new Error(`failed: ${inspect({ headers: { authorization: `Bearer ${T}` }, access_token: T })}`),
  ],
  ['nested pct', `return_to=%2Fcb%3Faccess_token%3D${T}`],
  ['secretAccessKey', { secretAccessKey: T }],
  ['jwt', { jwt: T }],
  ['session', { session: T }],
  ['sid', { sid: T }],
  ['pwd', { pwd: T }],
  ['pass', { pass: T }],
  ['signingKey', { signingKey: T }],
  ['tokens.access', { tokens: { access: T, refresh: T } }],
  ['Bearer word', `sent Bearer abcdefghij`],
  ['Bearer T', `Authorization was Bearer ${T}`],
  ['jwt text', `token ${J}`],
]
for (const [name, value] of cases) {
  getterReads = 0
  const out = redact(value)
  const text = JSON.stringify(out) + (out instanceof Error ? out.message : '') + inspect(out)
  console.log(
    name.padEnd(20),
    text.includes(T) || text.includes('abcdefghij') || text.includes(J) ? 'LEAK' : 'ok',
    getterReads,
  )
}
