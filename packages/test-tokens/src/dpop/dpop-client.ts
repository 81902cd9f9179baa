import { constants, createHash, KeyObject, randomUUID, sign as cryptoSign } from 'node:crypto'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose'

/** Algorithms a {@link DpopClient} can sign proofs with. */
export type DpopAlgorithm = 'ES256' | 'EdDSA' | 'PS256' | 'RS256'

/** The request a proof is made for. */
export interface DpopProofRequest {
  /** HTTP method, e.g. `'GET'`. */
  method: string
  /** Full request URL; query and fragment are dropped, as RFC 9449 §4.2 asks. */
  url: string
  /** The access token sent with the proof: its hash becomes `ath`. */
  accessToken?: string
  /** The server's nonce, from a `DPoP-Nonce` header. */
  nonce?: string
}

/** Overrides for a proof, to build broken ones on purpose. */
export interface DpopProofOverrides {
  /** Extra or overriding protected header members; `undefined` removes one. */
  header?: Record<string, unknown>
  /** Extra or overriding claims; `undefined` removes one. */
  claims?: Record<string, unknown>
}

/** A broken proof and why a correct resource server refuses it. */
export interface BrokenDpopProof {
  readonly name: string
  readonly proof: string
}

/** A DPoP client key pair that makes proofs (RFC 9449 §4) for tests. */
export interface DpopClient {
  readonly alg: DpopAlgorithm
  /** The public key, as it goes into the proof's `jwk` header. */
  readonly publicJwk: JWK
  /** RFC 7638 thumbprint of the key: put it in a token's `cnf.jkt` to bind the token. */
  readonly jkt: string
  /** A fresh, valid proof for `request` (new `jti`, `iat` now). */
  proof(request: DpopProofRequest, overrides?: DpopProofOverrides): Promise<string>
  /** Every kind of broken proof for `request`, each of which a resource server must refuse. */
  brokenProofs(request: DpopProofRequest): Promise<BrokenDpopProof[]>
}

/** Options of {@link createDpopClient}. */
export interface DpopClientOptions {
  /** Signing algorithm. Default: `'ES256'`. */
  alg?: DpopAlgorithm
  /** Clock in milliseconds, for `iat`. Default: `Date.now`. */
  now?: () => number
}

/**
 * Creates a DPoP client key pair for tests: bind tokens to it through `cnf.jkt`, then send
 * `Authorization: DPoP <token>` with `DPoP: await client.proof({ method, url, accessToken })`.
 *
 * @example
 * const client = await createDpopClient()
 * const token = await issuer.sign({ cnf: { jkt: client.jkt } })
 * const proof = await client.proof({ method: 'GET', url: `${base}/api/pets`, accessToken: token })
 */
export async function createDpopClient(options: DpopClientOptions = {}): Promise<DpopClient> {
  const alg = options.alg ?? 'ES256'
  const now = options.now ?? Date.now
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const publicJwk = await exportJWK(publicKey)
  const jkt = await calculateJwkThumbprint(publicJwk, 'sha256')
  const other = await generateKeyPair(alg, { extractable: true })
  const otherJwk = await exportJWK(other.publicKey)

  // Signed with node:crypto rather than jose, which refuses some of the broken headers
  // (an unknown crit) that tests need.
  const sign = (
    key: CryptoKey,
    header: Record<string, unknown>,
    claims: Record<string, unknown>,
  ): string => {
    const input = `${b64(header)}.${b64(claims)}`
    const keyObject = KeyObject.from(key)
    const signature =
      alg === 'EdDSA'
        ? cryptoSign(null, Buffer.from(input), keyObject)
        : cryptoSign('sha256', Buffer.from(input), {
            key: keyObject,
            ...(alg === 'ES256' ? { dsaEncoding: 'ieee-p1363' as const } : {}),
            ...(alg === 'PS256'
              ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
              : {}),
          })
    return `${input}.${signature.toString('base64url')}`
  }

  function parts(request: DpopProofRequest, overrides: DpopProofOverrides = {}) {
    const url = new URL(request.url)
    const header = withoutUndefined({ typ: 'dpop+jwt', alg, jwk: publicJwk, ...overrides.header })
    const claims = withoutUndefined({
      jti: randomUUID(),
      htm: request.method,
      htu: `${url.origin}${url.pathname}`,
      iat: Math.floor(now() / 1000),
      ...(request.accessToken === undefined ? {} : { ath: hash(request.accessToken) }),
      ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
      ...overrides.claims,
    })
    return { header, claims }
  }

  const proof = (request: DpopProofRequest, overrides?: DpopProofOverrides): Promise<string> => {
    const { header, claims } = parts(request, overrides)
    return Promise.resolve(sign(privateKey, header, claims))
  }

  async function brokenProofs(request: DpopProofRequest): Promise<BrokenDpopProof[]> {
    const nowSec = Math.floor(now() / 1000)
    const privateJwk = await exportJWK(privateKey)
    const valid = await proof(request)
    const [head = '', body = ''] = valid.split('.')
    const cases: [string, Promise<string> | string][] = [
      ['typ JWT', proof(request, { header: { typ: 'JWT' } })],
      ['no typ', proof(request, { header: { typ: undefined } })],
      ['alg none', `${b64({ typ: 'dpop+jwt', alg: 'none', jwk: publicJwk })}.${body}.`],
      ['private key in jwk', proof(request, { header: { jwk: privateJwk } })],
      ['no jwk', proof(request, { header: { jwk: undefined } })],
      ['jwk of another key', proof(request, { header: { jwk: otherJwk } })],
      [
        'signed by another key',
        sign(other.privateKey, parts(request).header, parts(request).claims),
      ],
      [
        'tampered payload',
        `${head}.${b64({ ...decode(body), htm: 'DELETE' })}.${valid.split('.')[2] ?? ''}`,
      ],
      [
        'wrong htm',
        proof(request, { claims: { htm: request.method === 'POST' ? 'GET' : 'POST' } }),
      ],
      ['wrong htu', proof(request, { claims: { htu: 'https://elsewhere.test/api' } })],
      ['no jti', proof(request, { claims: { jti: undefined } })],
      ['old iat', proof(request, { claims: { iat: nowSec - 3_600 } })],
      ['future iat', proof(request, { claims: { iat: nowSec + 3_600 } })],
      ['unknown crit', proof(request, { header: { crit: ['exp'], exp: 1 } })],
    ]
    if (request.accessToken !== undefined) {
      cases.push([
        'wrong ath',
        proof(request, { claims: { ath: hash(`${request.accessToken}x`) } }),
      ])
      cases.push(['no ath', proof(request, { claims: { ath: undefined } })])
    }
    return Promise.all(cases.map(async ([name, token]) => ({ name, proof: await token })))
  }

  return { alg, publicJwk, jkt, proof, brokenProofs }
}

function hash(value: string): string {
  return createHash('sha256').update(value).digest('base64url')
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

function decode(segment: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(segment, 'base64url').toString()) as Record<string, unknown>
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined))
}
