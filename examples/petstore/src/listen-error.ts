/**
 * Says which environment variable fixes a failure to listen: `variable` (default `PORT`) when the port is taken
 * (EADDRINUSE) or privileged (EACCES), `HOST` when the address is not this machine's
 * (EADDRNOTAVAIL). Any other error is returned as it is.
 *
 * @example
 * await startPetstore(options).catch((error: unknown) => { throw explainListenError(error, options) })
 */
export function explainListenError(
  error: unknown,
  options: { port?: number; host?: string; variable?: string; what?: string },
): unknown {
  const code = error instanceof Error && 'code' in error ? error.code : undefined
  const port = options.port ?? 3000
  const host = options.host ?? '127.0.0.1'
  const variable = options.variable ?? 'PORT'
  const what = options.what ?? 'the API'
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`
  const another = port === 3001 ? 3002 : 3001
  switch (code) {
    case 'EADDRINUSE':
      return new Error(
        `${where} is already in use (EADDRINUSE): set ${variable} to move ${what}, e.g. ` +
          `${variable}=${another} npx -y pnpm@10 start, or ${variable}=0 for any free port`,
        { cause: error },
      )
    case 'EACCES':
      return new Error(
        `${where} may not be listened on by this user (EACCES): set ${variable} to 1024 or above, ` +
          `e.g. ${variable}=${another} npx -y pnpm@10 start`,
        { cause: error },
      )
    case 'EADDRNOTAVAIL':
      return new Error(
        `${host} is not an address of this machine (EADDRNOTAVAIL): set HOST to one, ` +
          'e.g. HOST=127.0.0.1 npx -y pnpm@10 start',
        { cause: error },
      )
    default:
      return error
  }
}
