/**
 * Returns `names` once they are exactly the keys of `T`: a name missing from the list, or a
 * name `T` does not have, fails to compile, so an option added to an interface cannot be
 * forgotten by the check of unknown options.
 *
 * @example
 * const NAMES = optionNames<ListenOptions>()(['port', 'autoApprove'])
 */
export function optionNames<T>() {
  return <const N extends readonly (keyof T & string)[]>(
    names: N & ([Exclude<keyof T, N[number]>] extends [never] ? unknown : never),
  ): readonly (keyof T & string)[] => names
}
