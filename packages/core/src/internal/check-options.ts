/**
 * Throws a `TypeError` naming the option when `options` has a key that is not in `known`,
 * with the closest known name as a suggestion: a typo (`audiance`) fails at start-up
 * instead of silently turning a check off.
 *
 * @example
 * checkOptionNames('@tokenguard/jwt-verify', options, ['issuer', 'audience'])
 */
export function checkOptionNames(
  packageName: string,
  options: object,
  known: readonly string[],
): void {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${packageName}: options must be an object`)
  }
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue
    const suggestion = closest(name, known)
    const hint = suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`
    throw new TypeError(`${packageName}: unknown option "${name.slice(0, 64)}".${hint}`)
  }
}

function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Number.POSITIVE_INFINITY
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution)
    }
    previous = current
  }
  return previous[b.length] ?? Number.POSITIVE_INFINITY
}

/** The names of `Options` that `Names` leaves out, as a type error message. */
type MissingOptionNames<Options, Names extends readonly unknown[]> = [
  Exclude<keyof Options, Names[number]>,
] extends [never]
  ? unknown
  : { readonly missingOptionNames: Exclude<keyof Options, Names[number]> }

/**
 * The option names of an options interface as a list the compiler holds to the interface:
 * a name the interface lacks, or one of its options missing from the list, fails the
 * build, so the typo check of {@link checkOptionNames} cannot drift from the type.
 *
 * @example
 * const NAMES = optionNames<JwksCacheOptions>()(['jwksUri', 'issuer', 'fetch'])
 */
export function optionNames<Options extends object>(): <
  const Names extends readonly (keyof Options & string)[],
>(
  names: Names & MissingOptionNames<Options, Names>,
) => Names {
  return (names) => Object.freeze(names)
}
