import { CompactSign } from 'jose'
import type { CompactJWSHeaderParameters } from 'jose'
import type { TestKey } from '../keys/test-key.js'
import { signManually } from './sign-manually.js'

/**
 * Signs `payload` as a compact JWS with `header` as the protected header. jose signs
 * whenever it accepts the header; headers it refuses (a malformed `crit`, `b64`, an `alg`
 * other than the key's) are signed by hand, still with the key's own algorithm.
 */
export async function signCompact(
  key: TestKey,
  header: Readonly<Record<string, unknown>>,
  payload: Uint8Array,
): Promise<string> {
  // b64 would make jose change the payload encoding (RFC 7797); keep the JWT shape instead.
  if (header.alg === key.alg && !Object.hasOwn(header, 'b64')) {
    try {
      return await new CompactSign(payload)
        .setProtectedHeader(header as CompactJWSHeaderParameters)
        .sign(key.privateKey, { crit: recognizeAll(header.crit) })
    } catch {
      // jose refused the header: sign it by hand below.
    }
  }
  return signManually(key, header, payload)
}

// Tell jose every listed extension is understood, so a test can send any crit it likes.
function recognizeAll(crit: unknown): Record<string, boolean> {
  const recognized: Record<string, boolean> = {}
  if (Array.isArray(crit)) {
    for (const name of crit) if (typeof name === 'string') recognized[name] = true
  }
  return recognized
}
