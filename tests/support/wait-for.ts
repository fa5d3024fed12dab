/**
 * The one way tests wait: poll a condition until it holds, or fail naming what
 * was awaited. Tests wait for the event that matters instead of sleeping a
 * guessed number of milliseconds.
 */
export async function waitFor (check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, pollMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`)
    await new Promise(resolve => setTimeout(resolve, pollMs))
  }
}
