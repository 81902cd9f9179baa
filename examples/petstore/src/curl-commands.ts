import type { DemoTokens } from './start.js'

/** One ready-to-paste request against the API. */
export interface CurlExample {
  /** What it shows, printed as a `#` comment above the command. */
  readonly title: string
  /** The status it answers with the minted tokens; unknown with a real issuer's token. */
  readonly expectedStatus?: number
  /** A single-line curl command. */
  readonly command: string
}

/**
 * Ready-to-paste curl commands for every route: with the minted `tokens` they carry the
 * tokens and the status each answers, and one carries the opaque token; without, they read
 * the token from `$TOKEN`.
 *
 * @example
 * for (const example of curlExamples('http://127.0.0.1:3000', tokens)) console.log(example.command)
 */
export function curlExamples(url: string, tokens: DemoTokens | undefined): CurlExample[] {
  const bearer = (scope: keyof DemoTokens): string =>
    `-H "Authorization: Bearer ${tokens === undefined ? '$TOKEN' : tokens[scope]}"`
  const json = (body: string): string => `-H 'Content-Type: application/json' -d '${body}'`
  const newPet = json('{"name":"Biscuit","tag":"dog"}')
  const examples: (CurlExample & { expectedStatus: number })[] = [
    { title: 'public health check', expectedStatus: 200, command: `curl -i ${url}/health` },
    {
      title: 'list pets with a pets:read token',
      expectedStatus: 200,
      command: `curl -i ${url}/api/pets ${bearer('pets:read')}`,
    },
    {
      title: 'add a pet with a pets:write token',
      expectedStatus: 201,
      command: `curl -i -X POST ${url}/api/pets ${bearer('pets:write')} ${newPet}`,
    },
    {
      title: "adopt pet 1 with an adoptions:create token; the adoption records the token's sub",
      expectedStatus: 201,
      command: `curl -i -X POST ${url}/api/adoptions ${bearer('adoptions:create')} ${json('{"petId":1}')}`,
    },
  ]
  if (tokens === undefined) return examples.map(({ title, command }) => ({ title, command }))
  return [
    ...examples,
    {
      title: 'list pets with an opaque pets:read token, introspected at the issuer',
      expectedStatus: 200,
      command: `curl -i ${url}/api/pets ${bearer('opaque')}`,
    },
    {
      title: 'refused with insufficient_scope: a pets:read token cannot add a pet',
      expectedStatus: 403,
      command: `curl -i -X POST ${url}/api/pets ${bearer('pets:read')} ${newPet}`,
    },
    {
      title: 'refused: no token',
      expectedStatus: 401,
      command: `curl -i ${url}/api/pets`,
    },
  ]
}

/**
 * The examples as text: a `# expect <status>: <title>` comment, then the command.
 *
 * @example
 * console.log(formatCurlExamples(curlExamples(url, tokens)))
 */
export function formatCurlExamples(examples: readonly CurlExample[]): string {
  return examples
    .map(({ title, expectedStatus, command }) => {
      const expect = expectedStatus === undefined ? '' : `expect ${expectedStatus}: `
      return `# ${expect}${title}\n${command}\n`
    })
    .join('\n')
}
