/**
 * Wrong user codes per client address on the device verification page (RFC 8628 §5.1):
 * {@link MAX_WRONG_GUESSES_PER_ADDRESS} within {@link GUESS_WINDOW_MS} lock the address out
 * for {@link LOCKOUT_MS}, during which even the right code is refused.
 */
export interface AddressLockouts {
  /** Milliseconds until `address` may try again; 0 when it may now. */
  lockedForMs(address: string, nowMs: number): number
  /** Counts a wrong user code from `address`. */
  wrong(address: string, nowMs: number): void
}

/** Wrong user codes one address may type within {@link GUESS_WINDOW_MS}. */
export const MAX_WRONG_GUESSES_PER_ADDRESS = 5
/** The window the wrong codes of an address are counted in: 15 minutes. */
export const GUESS_WINDOW_MS = 15 * 60_000
/** How long an address is locked out once over the limit: 15 minutes. */
export const LOCKOUT_MS = 15 * 60_000
/** Most addresses tracked at once; when full, those with nothing left to count go first. */
export const MAX_TRACKED_ADDRESSES = 10_000

interface AddressRecord {
  windowStartMs: number
  wrong: number
  lockedUntilMs: number
}

/** Creates an empty {@link AddressLockouts}, on the clock its callers pass. */
export function createAddressLockouts(): AddressLockouts {
  const records = new Map<string, AddressRecord>()

  const settled = (record: AddressRecord, nowMs: number): boolean =>
    record.lockedUntilMs <= nowMs && record.windowStartMs + GUESS_WINDOW_MS <= nowMs

  function makeRoom(nowMs: number): void {
    if (records.size < MAX_TRACKED_ADDRESSES) return
    for (const [address, record] of records) if (settled(record, nowMs)) records.delete(address)
    // Still full: drop the oldest (a Map iterates in insertion order).
    for (const address of records.keys()) {
      if (records.size < MAX_TRACKED_ADDRESSES) break
      records.delete(address)
    }
  }

  return {
    lockedForMs(address, nowMs) {
      const record = records.get(address)
      return record === undefined ? 0 : Math.max(0, record.lockedUntilMs - nowMs)
    },
    wrong(address, nowMs) {
      let record = records.get(address)
      if (record === undefined || settled(record, nowMs)) {
        makeRoom(nowMs)
        record = { windowStartMs: nowMs, wrong: 0, lockedUntilMs: 0 }
        records.set(address, record)
      }
      record.wrong++
      if (record.wrong >= MAX_WRONG_GUESSES_PER_ADDRESS) {
        record.lockedUntilMs = nowMs + LOCKOUT_MS
        // The next window starts when the lockout ends.
        record.windowStartMs = record.lockedUntilMs
        record.wrong = 0
      }
    },
  }
}
