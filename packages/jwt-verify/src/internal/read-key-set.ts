import { UpstreamError } from '@tokenguard/core/internal'
import type { SkippedKey } from '../jwks-cache.js'
import { prepareKey, type PreparedKey, type PublicJwk } from './prepared-key.js'

/**
 * Reads a JWKS document into the keys usable for verifying and the keys skipped, each with
 * its reason. Throws an {@link UpstreamError} for a document without a `keys` array or with
 * more than `maxKeys` keys. A key unchanged since `previous` keeps its object, so results
 * verified with it stay cached.
 */
export function readKeySet(
  document: unknown,
  maxKeys: number,
  previous: ReadonlyMap<string, PreparedKey[]>,
): { keys: PreparedKey[]; skipped: SkippedKey[] } {
  const list =
    document !== null && typeof document === 'object'
      ? (document as { keys?: unknown }).keys
      : undefined
  if (!Array.isArray(list)) throw new UpstreamError('the JWKS has no keys array', 'invalid')
  if (list.length > maxKeys) {
    throw new UpstreamError(`the JWKS has more than ${maxKeys} keys`, 'invalid')
  }
  const keys: PreparedKey[] = []
  const skipped: SkippedKey[] = []
  for (const jwk of list as unknown[]) {
    if (jwk === null || typeof jwk !== 'object') {
      skipped.push({ kid: undefined, reason: 'not a JSON object' })
      continue
    }
    const prepared = prepareKey(jwk as PublicJwk)
    if ('skipped' in prepared) {
      const { kid } = jwk as PublicJwk
      const named = typeof kid === 'string' && kid.length <= 256 ? kid : undefined
      skipped.push({ kid: named, reason: prepared.skipped })
      continue
    }
    // Keep the object of an unchanged key, so results verified with it stay cached.
    const same = previous
      .get(prepared.kid ?? '')
      ?.find((key) => key.fingerprint === prepared.fingerprint)
    keys.push(same ?? prepared)
  }
  return { keys, skipped }
}
