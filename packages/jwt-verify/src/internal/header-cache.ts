/** Most protected headers kept: an issuer signs with a handful (one per key and algorithm). */
const MAX_CACHED_HEADERS = 64

/**
 * Decoded protected headers of tokens that verified, by their base64url text, so each is
 * decoded once. Only headers of verified tokens go in, so garbage cannot fill it. The header
 * seen last is compared first, character by character, which costs less than hashing the
 * text for a map lookup: most tokens of an API share one header.
 */
export class HeaderCache {
  readonly #byText = new Map<string, Readonly<Record<string, unknown>>>()
  #lastText = ''
  #lastHeader: Readonly<Record<string, unknown>> | undefined

  /** The header of `token`, whose protected header is `token[0, end)`, if known. */
  get(token: string, end: number): Readonly<Record<string, unknown>> | undefined {
    if (end === this.#lastText.length && token.startsWith(this.#lastText)) return this.#lastHeader
    const text = token.slice(0, end)
    const header = this.#byText.get(text)
    if (header !== undefined) {
      this.#lastText = text
      this.#lastHeader = header
    }
    return header
  }

  /** Keeps the header of a token that verified; frozen, since tokens share it. */
  remember(text: string, header: Readonly<Record<string, unknown>>): void {
    if (this.#byText.size < MAX_CACHED_HEADERS && !this.#byText.has(text)) {
      this.#byText.set(text, Object.freeze(header))
    }
  }
}
