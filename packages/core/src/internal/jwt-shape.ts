/**
 * True when `token` is to be judged as a JWT: it has at least two dots, the separators of
 * a compact JWS (RFC 7515 §7.1) or JWE. The test is deliberately loose: a token that looks
 * like a JWT but is malformed (padding, standard base64, an empty part) must meet the JWT
 * verifier's refusal (401), never slip past the JWT rules to introspection, nor be taken
 * for a malformed request (400) by token extraction.
 */
export function isJwtShaped(token: string): boolean {
  const first = token.indexOf('.')
  return first !== -1 && token.indexOf('.', first + 1) !== -1
}
