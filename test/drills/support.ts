/** A clock the drill moves by hand, shared by the issuer and the API; starts at the real time. */
export function manualClock(start = Date.now()) {
  let now = start
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms
    },
  }
}

/**
 * Calls `attempt` until it answers `status` or `withinMs` of real time have passed, a few
 * milliseconds apart, and returns the last answer: a service that resumes by itself does so
 * within the bound, with no restart and no call to any API of the suite.
 */
export async function untilAnswer<A extends { status: number }>(
  attempt: () => Promise<A>,
  status: number,
  withinMs: number,
): Promise<A> {
  const deadline = Date.now() + withinMs
  for (;;) {
    const answer = await attempt()
    if (answer.status === status || Date.now() >= deadline) return answer
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
