import type { HostileContext } from './hostile-context.js'
import { hostileToken } from './hostile-token.js'
import type { HostileTokens } from './hostile-tokens.js'

type HeaderTokens = Pick<HostileTokens, 'unknownCrit' | 'oversizedHeader'>

/** An extension no server understands, named and present as RFC 7515 §4.1.11 asks. */
const UNKNOWN_EXTENSION = 'urn:tokenguard:hostile'
/** Padding of the oversized header: 8 KiB, past any sane header limit but under 16 KiB. */
const HEADER_PADDING_CHARS = 8192

/** Validly signed tokens whose protected header no server should process. */
export function headerTokens(context: HostileContext): HeaderTokens {
  const { source } = context
  return {
    async unknownCrit(claims = {}) {
      const header = { crit: [UNKNOWN_EXTENSION], [UNKNOWN_EXTENSION]: true }
      return hostileToken(
        'unknown-crit',
        `validly signed, with crit naming ${UNKNOWN_EXTENSION}: an unknown critical extension makes the JWS invalid (RFC 7515 §4.1.11)`,
        await source.sign(claims, { header }),
      )
    },
    async oversizedHeader(claims = {}) {
      const header = { 'x-padding': 'A'.repeat(HEADER_PADDING_CHARS) }
      return hostileToken(
        'oversized-header',
        'validly signed, with an 8 KiB protected header: refused before any parsing work is spent on it',
        await source.sign(claims, { header }),
      )
    },
  }
}
