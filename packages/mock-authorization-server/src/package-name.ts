/** The prefix of every configuration error this package throws. */
export const PACKAGE = '@tokenguard/mock-authorization-server'
