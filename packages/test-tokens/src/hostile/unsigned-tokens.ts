import type { HostileContext } from './hostile-context.js'
import { hostileToken } from './hostile-token.js'
import type { HostileClaims, HostileTokens } from './hostile-tokens.js'
import { encodeJson } from './jws.js'

type UnsignedTokens = Pick<
  HostileTokens,
  'algNone' | 'algNoneVariants' | 'emptySignature' | 'signatureStripped' | 'truncated'
>

const NONE_SPELLINGS = ['None', 'NONE', 'nOnE']
/** Characters cut from the end of a truncated token: well inside any signature. */
const TRUNCATED_CHARS = 10

/** Tokens with no signature, or a signature that is missing, emptied or cut short. */
export function unsignedTokens(context: HostileContext): UnsignedTokens {
  // The issuer's own header with another alg, and its claims: only alg and signature differ.
  const withAlg = async (claims: HostileClaims, alg: string) => {
    const parts = await context.mint(claims)
    const input = `${encodeJson({ ...parts.header, alg })}.${parts.encodedPayload}`
    return { input, signature: parts.signature }
  }
  return {
    async algNone(claims = {}) {
      const { input } = await withAlg(claims, 'none')
      return hostileToken(
        'alg-none',
        'alg "none" and an empty signature: an unsecured JWT (RFC 7519 §6) is never an access token (RFC 8725 §2.1)',
        `${input}.`,
      )
    },
    async algNoneVariants(claims = {}) {
      const variants = NONE_SPELLINGS.map(async (alg) =>
        hostileToken(
          `alg-none-${alg}`,
          `alg "${alg}" and an empty signature: algorithm names are case-sensitive (RFC 7515 §4.1.1), and no spelling of none is accepted`,
          `${(await withAlg(claims, alg)).input}.`,
        ),
      )
      const kept = withAlg(claims, 'none').then(({ input, signature }) =>
        hostileToken(
          'alg-none-signature-kept',
          'alg "none" with the original signature left in place: none is refused whatever follows the header',
          `${input}.${signature}`,
        ),
      )
      return Promise.all([...variants, kept])
    },
    async emptySignature(claims = {}) {
      const { encodedHeader, encodedPayload } = await context.mint(claims)
      return hostileToken(
        'empty-signature',
        "the issuer's header and claims with an empty signature (header.payload.)",
        `${encodedHeader}.${encodedPayload}.`,
      )
    },
    async signatureStripped(claims = {}) {
      const { encodedHeader, encodedPayload } = await context.mint(claims)
      return hostileToken(
        'signature-stripped',
        'a valid token with its signature part removed: two parts, not a JWS (RFC 7515 §7.1)',
        `${encodedHeader}.${encodedPayload}`,
      )
    },
    async truncated(claims = {}) {
      const { encodedHeader, encodedPayload, signature } = await context.mint(claims)
      return hostileToken(
        'truncated',
        `a valid token with the last ${TRUNCATED_CHARS} characters of its signature cut off`,
        `${encodedHeader}.${encodedPayload}.${signature.slice(0, -TRUNCATED_CHARS)}`,
      )
    },
  }
}
