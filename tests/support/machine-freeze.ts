/**
 * A mocha root hook (registered in .mocharc.json): a test that failed while the whole machine stood
 * still is run once more.
 *
 * Seen in a fresh-clone CI run: the VM was paused for 21 s (the kernel logged "crng reseeded due to
 * virtual machine fork"), every process's wall clock jumped while its monotonic clock did not, and
 * the devnet running at that moment skipped three slots. The oracles call such a run unknown
 * (harness/oracles/environment.ts); a test that needs a pass would still fail on it. So a test whose
 * body failed is tried once more when, during it, the wall clock ran ahead of the monotonic clock by
 * over FREEZE_MS: proof that the machine, not the code, stopped. A failure with the clocks in step is
 * final, as before. Mocha measures a test's duration in wall time, so after a freeze the duration
 * check is lifted (the test's timer, on the monotonic clock, still bounds each try).
 *
 * Only a test's own body is retried (an `it` with no `done` callback); hooks are not.
 */
import type { Context, Runnable } from 'mocha'

/** Drift of the wall clock past the monotonic one that counts as the machine standing still. */
export const FREEZE_MS = 2000

export interface Clocks { wall: () => number, mono: () => number }
const REAL: Clocks = { wall: () => Date.now(), mono: () => performance.now() }

/** How far the wall clock ran ahead of the monotonic clock since this was called. */
export function freezeMeter (clocks: Clocks = REAL): () => number {
  const wall0 = clocks.wall()
  const mono0 = clocks.mono()
  return () => (clocks.wall() - wall0) - (clocks.mono() - mono0)
}

export interface FreezeRetryHooks {
  /** the first try failed across a freeze of `frozeMs`; the body runs once more */
  onRetry: (frozeMs: number, error: unknown) => void
  /** the test is done and a freeze happened during it: mocha's wall-clock duration check must not count it */
  onFroze: () => void
  /** restart the test's timer for the second try */
  restartTimer: () => void
}

/** Runs `body`; once more if it failed while the machine stood still. */
export async function retryAcrossFreeze<T> (body: () => Promise<T> | T, hooks: FreezeRetryHooks, clocks: Clocks = REAL): Promise<T> {
  const froze = freezeMeter(clocks)
  try {
    const value = await body()
    if (froze() > FREEZE_MS) hooks.onFroze()
    return value
  } catch (err) {
    const frozeMs = froze()
    if (frozeMs <= FREEZE_MS || isSkip(err)) throw err
    hooks.onRetry(frozeMs, err)
    hooks.restartTimer()
    try {
      return await body()
    } finally {
      hooks.onFroze()
    }
  }
}

function isSkip (err: unknown): boolean {
  return err instanceof Error && err.constructor.name === 'Pending'
}

const WRAPPED = Symbol('meshflap.freezeRetry')

export const mochaHooks = {
  beforeEach (this: Context): void {
    const test = this.currentTest as (Runnable & { [WRAPPED]?: true }) | undefined
    const fn = test?.fn
    if (test === undefined || fn === undefined || fn.length > 0 || test[WRAPPED] === true) return
    test[WRAPPED] = true
    const timeoutMs = test.timeout()
    test.fn = async function (this: Context): Promise<unknown> {
      return await retryAcrossFreeze(async () => await (fn as (this: Context) => unknown).call(this), {
        onRetry: (frozeMs, error) => {
          const why = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''
          console.log(`      [suite] the machine stood still for ${(frozeMs / 1000).toFixed(1)} s during "${test.title}" (wall clock ahead of the monotonic clock); it failed with "${why}"; running it once more`)
        },
        onFroze: () => { this.timeout(0) },
        restartTimer: () => { this.timeout(timeoutMs) }
      })
    }
  }
}
