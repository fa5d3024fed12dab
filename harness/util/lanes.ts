/**
 * Runs items through at most `lanes` concurrent workers, each taking the next
 * item in list order as it frees up (so with one lane it is a plain loop, and
 * with two the list is worked off front to back by both). With a `budget`, an
 * item also waits until the weights of the items running plus its own fit in
 * it (an item heavier than the budget runs alone). Stops taking new items once
 * `stop()` says so (Ctrl-C); items already started finish.
 *
 *   items  a b c d e    lanes 2    lane 1: a   c d      lane 2: b     e
 *   weights 2 2 8 2, budget 8:     a b together, then c alone, then d
 */
export interface LaneOptions<T> {
  lanes: number
  /** how heavy an item is (a devnet: its node count); default 1 */
  weight?: (item: T) => number
  /** most total weight running at once; default: no limit */
  budget?: number
  /** true once no new item may start */
  stop?: () => boolean
}

export async function runInLanes<T> (items: readonly T[], options: LaneOptions<T>, work: (item: T, index: number) => Promise<void>): Promise<void> {
  const weight = options.weight ?? (() => 1)
  const budget = options.budget ?? Infinity
  const stop = options.stop ?? (() => false)
  let next = 0
  let running = 0
  let load = 0
  let freed: Array<() => void> = []
  const fits = (w: number): boolean => running === 0 || load + w <= budget
  const lane = async (): Promise<void> => {
    while (next < items.length && !stop()) {
      const w = weight(items[next] as T)
      if (!fits(w)) {
        await new Promise<void>(resolve => freed.push(resolve))
        continue
      }
      const index = next++
      running++
      load += w
      try {
        await work(items[index] as T, index)
      } finally {
        running--
        load -= w
        const waiting = freed
        freed = []
        for (const wake of waiting) wake()
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.lanes, items.length)) }, lane))
}
