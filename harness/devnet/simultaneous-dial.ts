/**
 * `simultaneous-dial` on a pair (A, B): both ends dial each other at the same
 * instant through the control API, the field's mutual-dial race. To make the
 * race real the pair must hold no connection first, so the action:
 *
 *   1. holds redials off at A and B (POST /v1/redial {enabled: false})
 *   2. closes both legs (A>B at A, B>A at B) and waits until neither lists the other
 *   3. builds both POST /v1/dial requests and starts them in the same tick
 *   4. lets redials resume
 *
 * Recorded on both legs as `simultaneous-dial` apply (step 1) and heal (after
 * step 4), with each dial's outcome and the skew between the two requests'
 * start, so the verdicts excuse the pair while its legs were closed on purpose.
 * Holding redials off is per node, so A's and B's other peers do not redial
 * them during those moments either (they stay connected: nothing else closes).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { FaultEntry, LegName, TransportName } from '../history/types.ts'
import type { NodeClient } from './node-client.ts'
import { multiaddrOf } from './addresses.ts'

export interface DialEnd {
  name: string
  peerId: string
  client: NodeClient
}

export interface SimultaneousDialDeps {
  /** the two ends, and each one's leg towards the other (its proxy address and transport) */
  ends: [DialEnd, DialEnd]
  legs: Array<{ name: LegName, proxyAddr: string, transport: TransportName }>
  record: (entry: FaultEntry) => void
  tag: { fault: string, selector?: string }
  signal?: AbortSignal
  /** how long to wait for the closes (default 5000 ms) */
  closeTimeoutMs?: number
}

export interface SimultaneousDialResult {
  /** "ok: <leg id>" or "error: ..." per end, A's first */
  outcomes: string[]
  /** ms between the starts of the two requests */
  skewMs: number
}

export async function simultaneousDial (deps: SimultaneousDialDeps): Promise<SimultaneousDialResult> {
  const [a, b] = deps.ends
  const legOf = (from: DialEnd): { name: LegName, proxyAddr: string, transport: TransportName } => {
    const leg = deps.legs.find(l => l.name === `${from.name}>${from === a ? b.name : a.name}`)
    if (leg === undefined) throw new Error(`no leg ${from.name}>${from === a ? b.name : a.name}`)
    return leg
  }
  const emit = (phase: 'apply' | 'heal', ts: number, params?: Record<string, unknown>): void => {
    for (const l of deps.legs) {
      deps.record({ kind: 'fault', ts, fault: deps.tag.fault, action: 'simultaneous-dial', phase, leg: l.name, ...(deps.tag.selector !== undefined ? { selector: deps.tag.selector } : {}), ...(params !== undefined ? { params } : {}) })
    }
  }
  emit('apply', Date.now())
  let outcomes: string[] = ['not dialed', 'not dialed']
  let skewMs = 0
  try {
    await Promise.all([a, b].map(async e => { await e.client.setRedial(false) }))
    // close every connection between the two, at the end that owns it (its dialer)
    for (const [self, other] of [[a, b], [b, a]] as const) {
      const s = await self.client.status()
      for (const l of s.legs.filter(l => l.peer === other.peerId && l.direction === 'outbound')) await self.client.closeLeg(l.id)
    }
    const deadline = Date.now() + (deps.closeTimeoutMs ?? 5000)
    for (;;) {
      const [sa, sb] = await Promise.all([a.client.status(), b.client.status()])
      if (!sa.legs.some(l => l.peer === b.peerId) && !sb.legs.some(l => l.peer === a.peerId)) break
      if (Date.now() > deadline) throw new Error(`${a.name} and ${b.name} still hold a connection to each other ${deps.closeTimeoutMs ?? 5000} ms after closing both legs`)
      await sleep(20, undefined, { signal: deps.signal })
    }
    // both requests start in this one synchronous block: neither waits on the other
    const la = legOf(a)
    const lb = legOf(b)
    const t0 = performance.now()
    const da = a.client.dial(b.peerId, multiaddrOf(la.proxyAddr, la.transport), b.name)
    const t1 = performance.now()
    const db = b.client.dial(a.peerId, multiaddrOf(lb.proxyAddr, lb.transport), a.name)
    skewMs = Math.round((t1 - t0) * 1000) / 1000
    const settled = await Promise.allSettled([da, db])
    outcomes = settled.map(r => r.status === 'fulfilled' ? `ok: ${r.value.leg}` : `error: ${(r.reason as Error).message}`)
    return { outcomes, skewMs }
  } finally {
    await Promise.allSettled([a, b].map(async e => { await e.client.setRedial(true) }))
    emit('heal', Date.now(), { outcomes, skewMs })
  }
}
