/**
 * Throws a TypeError naming the first option of `options` that is not in `known`, so a
 * typo such as `expiresIn` fails loudly instead of being ignored.
 */
export function checkKnownOptions(where: string, options: object, known: readonly string[]): void {
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw new TypeError(
        `@tokenguard/test-tokens: unknown ${where} option "${name}"; known: ${known.join(', ')}`,
      )
    }
  }
}
