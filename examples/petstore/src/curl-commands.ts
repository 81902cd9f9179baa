import type { RunningPetstore } from './start.js'

/** One ready-to-paste request against the API. */
export interface CurlExample {
  /** What it shows, printed as a `#` comment above the command. */
  readonly title: string
  /** The status it answers with the minted tokens; unknown with a real issuer's token. */
  readonly expectedStatus?: number
  /** More to know, printed as `#` comments above the title, one per line. */
  readonly note?: string
  /** A single-line curl command. */
  readonly command: string
}

/** What the commands are made from: a started PetStore, or the same fields. */
export type CurlTarget = Pick<
  RunningPetstore,
  'publicOrigin' | 'tokens' | 'dpop' | 'resourceMetadataUrl'
>

/** The pet the DPoP example adopts: the bearer example adopts pet 1. */
const DPOP_PET_ID = 2

/**
 * Ready-to-paste curl commands for every route, at the public origin: with the minted
 * `tokens` they carry the tokens and the status each answers, one carries the opaque token
 * and one the DPoP-bound token with its proof; without, they read the token from `$TOKEN`.
 * The last fetches the protected resource metadata, when it is served.
 *
 * @example
 * for (const example of curlExamples(petstore)) console.log(example.command)
 */
export function curlExamples(target: CurlTarget): CurlExample[] {
  const { publicOrigin: url, tokens, dpop, resourceMetadataUrl } = target
  const bearer = (scope: keyof NonNullable<typeof tokens>): string =>
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
  const metadata: (CurlExample & { expectedStatus: number })[] =
    resourceMetadataUrl === undefined
      ? []
      : [
          {
            title: 'the protected resource metadata (RFC 9728): issuer, scopes, DPoP algorithms',
            expectedStatus: 200,
            command: `curl -i ${url}${new URL(resourceMetadataUrl).pathname}`,
          },
        ]
  if (tokens === undefined) {
    return [...examples, ...metadata].map(({ title, command }) => ({ title, command }))
  }
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
    ...(dpop === undefined
      ? []
      : [
          {
            note:
              'DPoP (RFC 9449): the token is bound to a key of this process (cnf.jkt), and the\n' +
              'proof is for this POST and URL only: it works once, within 60 s of start-up.',
            title: `adopt pet ${DPOP_PET_ID} with a DPoP-bound adoptions:create token and its proof`,
            expectedStatus: 201,
            command:
              `curl -i -X POST ${url}/api/adoptions -H "Authorization: DPoP ${dpop.token}" ` +
              `-H "DPoP: ${dpop.proof}" ${json(`{"petId":${DPOP_PET_ID}}`)}`,
          },
        ]),
    ...metadata,
  ]
}

/**
 * The examples as text: the note as `#` comments, a `# expect <status>: <title>` comment,
 * then the command.
 *
 * @example
 * console.log(formatCurlExamples(curlExamples(petstore)))
 */
export function formatCurlExamples(examples: readonly CurlExample[]): string {
  return examples
    .map(({ title, expectedStatus, note, command }) => {
      const expect = expectedStatus === undefined ? '' : `expect ${expectedStatus}: `
      const comment = note === undefined ? '' : note.replace(/^/gm, '# ') + '\n'
      return `${comment}# ${expect}${title}\n${command}\n`
    })
    .join('\n')
}
