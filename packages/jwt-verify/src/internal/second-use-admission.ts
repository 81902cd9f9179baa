/** Slots of the filter: 64 Ki hashes, 256 KiB, whatever the traffic. */
const SLOTS = 1 << 16

/**
 * Decides which verified tokens the result cache takes: a token is admitted on its second use,
 * so a stream of tokens that each come once (a crawler, a flood, many short-lived clients)
 * costs the cache nothing: no entry written, none evicted, nothing kept alive for the garbage
 * collector to copy. A client that reuses its token is cached from its second request.
 *
 * It keeps one 32-bit hash of each token's tail per slot, in a fixed array; a newer token
 * whose hash lands in the same slot takes it. A collision admits a token one use early, which
 * only costs a cache entry: the cache still holds verified results only. Nothing of a token
 * but that hash is kept.
 */
export class SecondUseAdmission {
  readonly #seen = new Uint32Array(SLOTS)

  /** Whether `key` (the token's cache key) was seen before; remembers it for next time. */
  admit(key: string): boolean {
    const hash = fnv1a(key)
    const slot = hash & (SLOTS - 1)
    if (this.#seen[slot] === hash) return true
    this.#seen[slot] = hash
    return false
  }
}

/** FNV-1a over the UTF-16 code units of `text`, as an unsigned 32-bit integer. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}
