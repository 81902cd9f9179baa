/** Prefix of every error message of the package. */
export const PACKAGE = '@tokenguard/store-redis'
