import { hkdfSync } from 'node:crypto'
import { EncryptJWT, jwtDecrypt } from 'jose'

/** One login in progress, sealed in its own cookie until the callback. */
export interface LoginTransaction {
  readonly state: string
  readonly codeVerifier: string
  readonly nonce: string | undefined
  readonly returnTo: string
}

/** Seals and opens login transactions: JWE (`dir`, `A256GCM`) under a key from the cookie secret. */
export interface TransactionSealer {
  seal(transaction: LoginTransaction, ttlSec: number): Promise<string>
  /** The transaction, or `undefined` when the value is not one we sealed, or it expired. */
  open(value: string): Promise<LoginTransaction | undefined>
}

/** A sealer whose key is derived (HKDF-SHA-256) from `secret`, so the secret itself never encrypts. */
export function createTransactionSealer(secret: Uint8Array): TransactionSealer {
  const key = new Uint8Array(
    hkdfSync('sha256', secret, new Uint8Array(0), 'tokenguard login transaction', 32),
  )
  return {
    seal: (transaction, ttlSec) =>
      new EncryptJWT({
        state: transaction.state,
        cv: transaction.codeVerifier,
        ...(transaction.nonce === undefined ? {} : { nonce: transaction.nonce }),
        rt: transaction.returnTo,
      })
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .setIssuedAt()
        .setExpirationTime(`${ttlSec}s`)
        .encrypt(key),
    async open(value) {
      if (value.length > 4096) return undefined
      try {
        const { payload } = await jwtDecrypt(value, key, {
          keyManagementAlgorithms: ['dir'],
          contentEncryptionAlgorithms: ['A256GCM'],
          clockTolerance: 0,
        })
        const { state, cv, nonce, rt } = payload
        if (typeof state !== 'string' || typeof cv !== 'string' || typeof rt !== 'string')
          return undefined
        return {
          state,
          codeVerifier: cv,
          nonce: typeof nonce === 'string' ? nonce : undefined,
          returnTo: rt,
        }
      } catch {
        return undefined
      }
    },
  }
}
