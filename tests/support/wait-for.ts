/**
 * The one way tests wait: poll a condition until it holds, or fail naming what
 * was awaited. Tests wait for the event that matters instead of sleeping a
 * guessed number of milliseconds.
 *
 *   await waitFor(() => received(b).length >= 4, 10_000, 'B has 4 attestations of A')
 *   const close = await waitForValue(() => events.find(e => e.type === 'leg_close'), 5000, 'A reports the close')
 *
 * `what` may be a function: it is called only on a timeout, so the message can
 * show the state that was still wrong (output so far, processes left, ...).
 */
export type What = string | (() => string)

/** Polls `read` until it gives a value (anything but undefined, null or false) and returns that value. */
export async function waitForValue<T> (read: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs: number, what: What, pollMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (value !== undefined && value !== null && value !== false) return value
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${typeof what === 'string' ? what : what()}`)
    await new Promise(resolve => setTimeout(resolve, pollMs))
  }
}

/** Polls `check` until it holds. */
export async function waitFor (check: () => boolean | Promise<boolean>, timeoutMs: number, what: What, pollMs = 25): Promise<void> {
  await waitForValue(check, timeoutMs, what, pollMs)
}
