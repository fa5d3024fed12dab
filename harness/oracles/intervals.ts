/** Half-open time intervals [fromMs, toMs) and the set operations oracles need on them. */

export interface Interval { fromMs: number, toMs: number }

/** Sorted, merged, empty ones dropped. */
export function union (list: readonly Interval[]): Interval[] {
  const sorted = list.filter(i => i.toMs > i.fromMs).sort((a, b) => a.fromMs - b.fromMs)
  const out: Interval[] = []
  for (const i of sorted) {
    const last = out.at(-1)
    if (last !== undefined && i.fromMs <= last.toMs) last.toMs = Math.max(last.toMs, i.toMs)
    else out.push({ ...i })
  }
  return out
}

export function intersect (a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = []
  for (const x of union(a)) {
    for (const y of union(b)) {
      const fromMs = Math.max(x.fromMs, y.fromMs)
      const toMs = Math.min(x.toMs, y.toMs)
      if (toMs > fromMs) out.push({ fromMs, toMs })
    }
  }
  return union(out)
}

export function subtract (a: readonly Interval[], b: readonly Interval[]): Interval[] {
  let rest = union(a)
  for (const cut of union(b)) {
    rest = rest.flatMap(i => {
      if (cut.toMs <= i.fromMs || cut.fromMs >= i.toMs) return [i]
      const parts: Interval[] = []
      if (cut.fromMs > i.fromMs) parts.push({ fromMs: i.fromMs, toMs: cut.fromMs })
      if (cut.toMs < i.toMs) parts.push({ fromMs: cut.toMs, toMs: i.toMs })
      return parts
    })
  }
  return rest
}

/** Total length of `list` inside [fromMs, toMs). */
export function measure (list: readonly Interval[], fromMs: number, toMs: number): number {
  return intersect(list, [{ fromMs, toMs }]).reduce((sum, i) => sum + i.toMs - i.fromMs, 0)
}

export function contains (list: readonly Interval[], t: number): boolean {
  return list.some(i => i.fromMs <= t && t < i.toMs)
}

/** True when [fromMs, toMs) lies wholly inside one interval of `list`. */
export function covers (list: readonly Interval[], fromMs: number, toMs: number): boolean {
  return union(list).some(i => i.fromMs <= fromMs && toMs <= i.toMs)
}
