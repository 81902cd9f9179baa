/** The name every message of this package starts with. */
export const PACKAGE = '@tokenguard/client'
