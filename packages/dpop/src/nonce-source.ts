import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** Issues and checks DPoP server nonces (RFC 9449 §8). */
export interface NonceSource {
  /** The nonce clients should use now. */
  current(): string
  /** Whether `nonce` is the current one or the one before it (so rotation never strands a client). */
  isValid(nonce: unknown): boolean
}

/** Options of {@link createNonceSource}. */
export interface NonceOptions {
  /**
   * Key of the nonces' HMAC. Instances that share it accept each other's nonces.
   * Default: 32 random bytes, so each process has its own nonces.
   */
  secret?: string | Uint8Array
  /** How long one nonce is current, in seconds; the previous one stays valid as long again. Default: 300. */
  lifetimeSec?: number
  /** Clock in milliseconds. Default: `Date.now`. */
  now?: () => number
}

const PACKAGE = '@tokenguard/dpop'

/**
 * Creates stateless server nonces: the nonce of a time slot is the slot number with a
 * truncated HMAC of it, so any instance with the secret can check one without storing it,
 * and it rotates every `lifetimeSec`.
 *
 * @example
 * const nonces = createNonceSource({ secret: nonceSecretFromYourVault, lifetimeSec: 300 })
 */
export function createNonceSource(options: NonceOptions = {}): NonceSource {
  const lifetimeSec = options.lifetimeSec ?? 300
  if (!Number.isFinite(lifetimeSec) || lifetimeSec < 1) {
    throw new RangeError(`${PACKAGE}: nonce lifetimeSec must be at least 1`)
  }
  const secret =
    options.secret === undefined
      ? randomBytes(32)
      : typeof options.secret === 'string'
        ? Buffer.from(options.secret)
        : Buffer.from(options.secret)
  if (secret.length < 16)
    throw new RangeError(`${PACKAGE}: the nonce secret must be at least 16 bytes`)
  const now = options.now ?? Date.now
  const slotOf = (): number => Math.floor(now() / (lifetimeSec * 1000))
  const mac = (slot: number): Buffer =>
    createHmac('sha256', secret).update(String(slot)).digest().subarray(0, 16)
  const encode = (slot: number): string => `${slot.toString(36)}.${mac(slot).toString('base64url')}`
  let cached: { slot: number; nonce: string } | undefined

  return {
    current() {
      const slot = slotOf()
      if (cached?.slot !== slot) cached = { slot, nonce: encode(slot) }
      return cached.nonce
    },
    isValid(nonce) {
      if (typeof nonce !== 'string' || nonce.length > 64) return false
      const [slotText = '', macText = ''] = nonce.split('.')
      const slot = Number.parseInt(slotText, 36)
      const current = slotOf()
      if (!(slot === current || slot === current - 1) || slot.toString(36) !== slotText)
        return false
      const given = Buffer.from(macText, 'base64url')
      const expected = mac(slot)
      return given.length === expected.length && timingSafeEqual(given, expected)
    },
  }
}
