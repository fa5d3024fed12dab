/**
 * A small deterministic simulator of a meshflap run, for report tests and the
 * `fixtures/histories/report-*.ndjson` samples (regenerate with
 * `node tests/report/make-fixtures.ts`). It produces what a real run records,
 * shaped as containers/CONTRACT.md events: two legs per pair with node-local
 * connection ids at both ends, one outbound gossip stream per direction on one
 * of the pair's legs, a publish per validator per slot, receipts over live
 * streams only, and fault entries with their effect:
 *
 *   down on a leg   -> leg_close at both ends, its streams close; the dialer's
 *                      redials fail (error events) until heal, then a new leg
 *   leg-aware       -> a stream closed with its leg reopens on the surviving leg
 *                      (stream_open + subscribe_replayed)
 *   stock           -> it stays closed until a brand-new leg opens (the field bug)
 *   latency         -> deliveries over the leg arrive `latencyMs` later
 */
import { createHash } from 'node:crypto'
import type { FaultEntry, History, HistoryEntry, LegName, NodeEntry, RunLeg, RunNode } from '../../harness/history/types.ts'
import { asNodeEvent } from '../../harness/contract/node-events.ts'

/** One fault of a sample run. */
export interface SampleFault {
  /** slot (fractional) after genesis */
  atSlot: number
  durationSlots: number
  action: 'down' | 'latency'
  /** the pair and which of its legs, by the stream the `of` node sends to the other */
  pair: [string, string]
  role: 'bearing-of' | 'non-bearing-of'
  of: string
  latencyMs?: number
}

/** What to simulate. */
export interface SampleSpec {
  runId: string
  scenario: string
  seed: number
  nodes: string[]
  validatorsPerNode: number
  aggregators: string[]
  slots: number
  slotMs: number
  policy: 'leg-aware' | 'stock'
  transport: 'quic' | 'tcp'
  faults: SampleFault[]
  /** error messages some node reports (e.g. hostile text for escaping tests) */
  extraErrors?: Array<{ node: string, atSlot: number, message: string }>
  /** a node that crashes at this slot */
  crash?: { node: string, atSlot: number, lastLines: string[] }
  endReason?: 'completed' | 'interrupted' | 'node-failed'
}

const GENESIS = 1_795_471_780_000

function rng (seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32 }
}

function hex (text: string, n: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, n)
}

function peerIdOf (seed: number, name: string): string {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
  const digest = createHash('sha512').update(`peer:${seed}:${name}`).digest()
  let id = '16Uiu2HAm'
  for (let i = 0; id.length < 53; i++) id += alphabet[(digest[i % digest.length] ?? 0) % alphabet.length]
  return id
}

interface LegState { name: LegName, dialer: string, listener: string, open: boolean, ids: Record<string, string>, latencyMs: number, incarnation: number }
interface StreamState { leg: LegName, ids: Record<string, string> }
interface Action { ts: number, run: () => void }

export function sampleHistory (spec: SampleSpec): History {
  const rand = rng(spec.seed)
  const startTs = GENESIS - 1500
  const out: HistoryEntry[] = []
  const nodeEvents: Array<{ node: string, ts: number, type: NodeEntry['type'], fields: Record<string, unknown> }> = []
  const emit = (node: string, ts: number, type: NodeEntry['type'], fields: Record<string, unknown>): void => {
    if (crashedAt(node) <= ts) return
    nodeEvents.push({ node, ts: Math.round(ts), type, fields })
  }
  const crashedAt = (node: string): number => spec.crash?.node === node ? GENESIS + spec.crash.atSlot * spec.slotMs : Infinity
  const peer = new Map(spec.nodes.map(n => [n, peerIdOf(spec.seed, n)]))
  const pid = (n: string): string => peer.get(n) ?? '?'
  const nodes: RunNode[] = spec.nodes.map((name, index) => ({
    name, index, peerId: pid(name), impl: 'ts', gossipPolicy: spec.policy,
    validators: Array.from({ length: spec.validatorsPerNode }, (_, k) => index * spec.validatorsPerNode + k),
    aggregator: spec.aggregators.includes(name)
  }))
  const legs = new Map<LegName, LegState>()
  const runLegs: RunLeg[] = []
  let port = 40000
  for (const d of spec.nodes) {
    for (const l of spec.nodes) {
      if (d === l) continue
      const name: LegName = `${d}>${l}`
      legs.set(name, { name, dialer: d, listener: l, open: false, ids: {}, latencyMs: 0, incarnation: 0 })
      const p = port++
      runLegs.push({ name, dialer: d, listener: l, transport: spec.transport, proxyAddr: `/ip4/127.0.0.1/${spec.transport === 'quic' ? `udp/${p}/quic-v1` : `tcp/${p}`}`, upstreamAddr: `/ip4/127.0.0.1/udp/${p + 1000}/quic-v1`, proxy: `leg-${d}-${l}` })
    }
  }
  const streams = new Map<string, StreamState | undefined>()
  let streamCounter = 0
  const actions: Action[] = []
  const at = (ts: number, run: () => void): void => { actions.push({ ts, run }); actions.sort((a, b) => a.ts - b.ts) }
  const other = (leg: LegState): LegState | undefined => legs.get(`${leg.listener}>${leg.dialer}`)

  const openLeg = (leg: LegState, ts: number): void => {
    if (crashedAt(leg.dialer) <= ts || crashedAt(leg.listener) <= ts) return
    leg.open = true
    leg.incarnation++
    leg.ids = { [leg.dialer]: hex(`${leg.name}#${leg.incarnation}@d`, 8), [leg.listener]: hex(`${leg.name}#${leg.incarnation}@l`, 8) }
    emit(leg.dialer, ts, 'leg_open', { leg: leg.ids[leg.dialer], peer: pid(leg.listener), direction: 'outbound', transport: spec.transport, remote: `/ip4/127.0.0.1/udp/4${leg.incarnation}001/quic-v1` })
    emit(leg.listener, ts + 1, 'leg_open', { leg: leg.ids[leg.listener], peer: pid(leg.dialer), direction: 'inbound', transport: spec.transport, remote: `/ip4/127.0.0.1/udp/5${leg.incarnation}001/quic-v1` })
    // a new connection gets the outbound gossip stream of any direction that has none
    for (const [from, to] of [[leg.dialer, leg.listener], [leg.listener, leg.dialer]] as const) {
      if (streams.get(`${from}->${to}`) === undefined) openStream(from, to, leg, ts + 5 + rand() * 10, undefined)
    }
  }
  const openStream = (from: string, to: string, leg: LegState, ts: number, replacing: { id: string, since: number } | undefined): void => {
    const n = ++streamCounter
    const ids = { [from]: `${leg.ids[from] ?? '?'}/o${n}`, [to]: `${leg.ids[to] ?? '?'}/i${n}` }
    streams.set(`${from}->${to}`, { leg: leg.name, ids })
    emit(from, ts, 'stream_open', { stream: ids[from], leg: leg.ids[from], peer: pid(to), protocol: '/meshsub/1.2.0', direction: 'outbound' })
    emit(to, ts + 1, 'stream_open', { stream: ids[to], leg: leg.ids[to], peer: pid(from), protocol: '/meshsub/1.2.0', direction: 'inbound' })
    if (replacing !== undefined) {
      emit(from, ts + 1, 'subscribe_replayed', { peer: pid(to), leg: leg.ids[from], stream: ids[from], topics: topics(), closedStream: replacing.id, reopenMs: Math.round(ts - replacing.since) })
    }
  }
  const closeLeg = (leg: LegState, ts: number, reason: string): void => {
    if (!leg.open) return
    leg.open = false
    emit(leg.dialer, ts, 'leg_close', { leg: leg.ids[leg.dialer], peer: pid(leg.listener), direction: 'outbound', reason })
    emit(leg.listener, ts + 2, 'leg_close', { leg: leg.ids[leg.listener], peer: pid(leg.dialer), direction: 'inbound', reason })
    for (const [flow, st] of streams) {
      if (st?.leg !== leg.name) continue
      const [from, to] = flow.split('->') as [string, string]
      emit(from, ts, 'stream_close', { stream: st.ids[from], leg: leg.ids[from], peer: pid(to), direction: 'outbound', reason })
      emit(to, ts + 2, 'stream_close', { stream: st.ids[to], leg: leg.ids[to], peer: pid(from), direction: 'inbound', reason })
      streams.set(flow, undefined)
      const survivor = other(leg)
      if (spec.policy === 'leg-aware' && survivor?.open === true) {
        const since = ts
        at(ts + 40 + rand() * 40, () => { if (streams.get(flow) === undefined && survivor.open) openStream(from, to, survivor, since + 40 + rand() * 40, { id: st.ids[from] ?? '?', since }) })
      }
    }
  }
  const topics = (): string[] => [0, 1, 2, 3].map(s => `/leanconsensus/12345678/attestation_${s}/ssz_snappy`)

  // start-up: ready, then every leg
  out.push({ kind: 'run_start', ts: startTs, runId: spec.runId, scenario: spec.scenario, seed: spec.seed, runtime: 'process', genesisMs: GENESIS, slotMs: spec.slotMs, slots: spec.slots, validatorCount: spec.nodes.length * spec.validatorsPerNode, nodes, legs: runLegs })
  spec.nodes.forEach((n, i) => emit(n, startTs + 200 + i * 15, 'ready', { name: n, peerId: pid(n), impl: 'ts', gossipPolicy: spec.policy, listen: ['/ip4/127.0.0.1/udp/41000/quic-v1'], control: `http://127.0.0.1:${9100 + i}`, pid: 4000 + i }))
  // simultaneous mutual dials: which leg comes up first (and gets the streams) is a coin toss per pair
  const legList = [...legs.values()].map(l => ({ l, t: startTs + 400 + rand() * 300 })).sort((a, b) => a.t - b.t)
  for (const { l, t } of legList) at(t, () => openLeg(l, t))

  // faults
  spec.faults.forEach((f, k) => {
    const t = GENESIS + f.atSlot * spec.slotMs
    at(t, () => {
      const [a, b] = f.pair
      const peerOf = f.of === a ? b : a
      const bearing = streams.get(`${f.of}->${peerOf}`)?.leg ?? `${f.of}>${peerOf}`
      const pairLegs: LegName[] = [`${a}>${b}`, `${b}>${a}`]
      const name = f.role === 'bearing-of' ? bearing : (pairLegs.find(l => l !== bearing) ?? bearing)
      const leg = legs.get(name)
      if (leg === undefined) return
      const fault = `faults[${k}]`
      const selector = `${f.role}: ${f.of} (${a},${b})`
      const entry: FaultEntry = { kind: 'fault', ts: t, fault, action: f.action, phase: 'apply', leg: name, selector, dialerLeg: leg.ids[leg.dialer], listenerLeg: leg.ids[leg.listener], ...(f.latencyMs !== undefined ? { params: { latencyMs: f.latencyMs } } : {}) }
      out.push(entry)
      const healAt = t + f.durationSlots * spec.slotMs
      if (f.action === 'latency') {
        leg.latencyMs = f.latencyMs ?? 0
        at(healAt, () => { leg.latencyMs = 0; out.push({ ...entry, ts: healAt, phase: 'heal' }) })
        return
      }
      closeLeg(leg, t + 15, 'error: connection reset by proxy')
      for (let r = t + 100; r < healAt; r += 600) {
        const ts = r
        at(ts, () => emit(leg.dialer, ts, 'error', { message: `dial ${pid(leg.listener)} at ${runLegs.find(x => x.name === name)?.proxyAddr ?? '?'} failed: connection refused`, peer: pid(leg.listener) }))
      }
      at(healAt, () => {
        out.push({ ...entry, ts: healAt, phase: 'heal' })
        at(healAt + 120, () => openLeg(leg, healAt + 120))
      })
    })
  })
  if (spec.crash !== undefined) {
    const dead = spec.crash.node
    const ts = crashedAt(dead)
    at(ts, () => { for (const leg of legs.values()) if (leg.dialer === dead || leg.listener === dead) closeLeg(leg, ts + 5, 'closed') })
  }
  for (const e of spec.extraErrors ?? []) at(GENESIS + e.atSlot * spec.slotMs + 1, () => emit(e.node, GENESIS + e.atSlot * spec.slotMs + 1, 'error', { message: e.message }))

  // duties: each validator publishes at the start of each slot; receipts over live streams only
  const received = new Set<string>()
  for (let slot = 0; slot < spec.slots; slot++) {
    const tp = GENESIS + slot * spec.slotMs
    while (actions.length > 0 && (actions[0]?.ts ?? Infinity) <= tp) actions.shift()?.run()
    for (const n of nodes) {
      if (crashedAt(n.name) <= tp) continue
      for (const v of n.validators) {
        const topic = `/leanconsensus/12345678/attestation_${v % 4}/ssz_snappy`
        const msgId = hex(`${topic}|${slot}|${v}`, 40)
        const ts = tp + 1 + rand() * 3
        const recipients: string[] = []
        for (const r of spec.nodes) {
          if (r === n.name) continue
          const st = streams.get(`${n.name}->${r}`)
          const leg = st !== undefined ? legs.get(st.leg) : undefined
          if (st === undefined || leg === undefined || !leg.open) continue
          recipients.push(pid(r))
          const latency = 3 + rand() * 12 + leg.latencyMs
          const key = `${r}|${msgId}`
          if (received.has(key)) continue
          received.add(key)
          emit(r, ts + latency, 'msg_received', { topic, msgId, slot, validator: v, from: pid(n.name), leg: leg.ids[r], latencyMs: Math.round(latency) })
        }
        emit(n.name, ts, 'msg_published', { topic, msgId, slot, validator: v, recipients })
      }
    }
  }
  const endTs = GENESIS + spec.slots * spec.slotMs + 300
  while (actions.length > 0 && (actions[0]?.ts ?? Infinity) <= endTs) actions.shift()?.run()

  // assemble: node events get per-node seq in time order; everything sorted on one clock
  nodeEvents.sort((a, b) => a.ts - b.ts)
  const seq = new Map<string, number>()
  for (const e of nodeEvents) {
    const s = (seq.get(e.node) ?? 0) + 1
    seq.set(e.node, s)
    out.push({ kind: 'node', node: e.node, ...asNodeEvent({ seq: s, ts: e.ts, type: e.type, ...e.fields }, `sample-history ${e.node} ${e.type}`) })
  }
  if (spec.crash !== undefined) {
    out.push({ kind: 'node_exit', ts: crashedAt(spec.crash.node), node: spec.crash.node, code: null, signal: 'SIGKILL', expected: false, lastLines: spec.crash.lastLines })
  }
  for (const n of spec.nodes) {
    if (n !== spec.crash?.node) out.push({ kind: 'node_exit', ts: endTs + 50, node: n, code: 0, signal: null, expected: true, lastLines: [] })
  }
  out.push({ kind: 'run_end', ts: endTs + 100, reason: spec.endReason ?? 'completed' })
  const order: Record<HistoryEntry['kind'], number> = { run_start: 0, fault: 1, fault_failed: 1, node: 2, status: 2, harness_sched: 2, node_exit: 3, run_end: 4 }
  return out.sort((a, b) => a.ts - b.ts || order[a.kind] - order[b.kind])
}
