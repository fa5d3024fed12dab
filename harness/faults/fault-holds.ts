/**
 * Which scenario faults hold what on one leg: each toxic by name, and the leg being down. Two
 * faults often overlap on a leg (a random blackhole and a bearing-of stall, a flap inside a bearing
 * storm); when one ends, only what no other live fault still holds may go. Before this, a heal
 * removed every toxic of the leg, so the first of two overlapping faults to end cut the other short
 * while the history still said it was in force (about 1.5 times a run in field-shaped).
 * A fault applied twice on one leg (two bearing-of picks that share it) holds twice.
 */
export const DOWN = Symbol('leg down')
export type Holdable = string | typeof DOWN

export class FaultHolds {
  private readonly byKey = new Map<Holdable, Map<string, number>>()

  hold (key: Holdable, fault: string): void {
    const holders = this.byKey.get(key) ?? new Map<string, number>()
    holders.set(fault, (holders.get(fault) ?? 0) + 1)
    this.byKey.set(key, holders)
  }

  /** Ends one hold of `fault` on `key`; true when nothing holds the key any more. */
  release (key: Holdable, fault: string): boolean {
    const holders = this.byKey.get(key)
    if (holders === undefined) return true
    const n = (holders.get(fault) ?? 0) - 1
    if (n > 0) holders.set(fault, n)
    else holders.delete(fault)
    if (holders.size > 0) return false
    this.byKey.delete(key)
    return true
  }

  /** What `fault` holds (each key once). */
  heldBy (fault: string): Holdable[] {
    return [...this.byKey.entries()].filter(([, holders]) => holders.has(fault)).map(([key]) => key)
  }

  isHeld (key: Holdable): boolean {
    return this.byKey.has(key)
  }

  /** Forgets every hold on `key` (it was removed for everyone). */
  clear (key: Holdable): void {
    this.byKey.delete(key)
  }

  clearAll (): void {
    this.byKey.clear()
  }
}
