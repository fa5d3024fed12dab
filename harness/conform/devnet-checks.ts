/**
 * The compliance checks on a running two-node devnet of one implementation (containers/CONTRACT.md
 * sections 3, 4, 6, 7): identity, legs through their proxies, each node's own outbound leg,
 * deliveries both ways, gossip streams, gap-free events, the status shape, the control API and
 * its errors. `meshflap conform` and the mocha compliance suite (tests/node-contract.test.ts)
 * both run these.
 */
import type { Devnet } from '../devnet/devnet.ts'
import type { NodeEntry, RunStart } from '../history/types.ts'
import { eventOfType } from '../contract/node-events.ts'
import type { NodeEventType } from '../contract/node-events.ts'
import { peerIdFor } from '../contract/identity.ts'
import type { GossipPolicy } from '../contract/node-config.ts'
import type { NodeStatus } from '../contract/node-status.ts'
import { NotReported, check, expectThat } from './check-result.ts'
import type { CheckResult } from './check-result.ts'

const NODES = ['A', 'B'] as const

export const nodeEvents = <T extends NodeEventType>(devnet: Devnet, node: string, type: T): Array<Extract<NodeEntry, { type: T }>> =>
  devnet.history().filter((e): e is NodeEntry => e.kind === 'node' && e.node === node).filter(eventOfType(type))

/** Polls `ok` every `pollMs` until it holds (true) or `ms` passed (false). */
export async function until (ok: () => boolean, ms: number, pollMs = 100): Promise<boolean> {
  const end = Date.now() + ms
  while (!ok()) {
    if (Date.now() > end) return false
    await new Promise(resolve => setTimeout(resolve, pollMs))
  }
  return true
}

export async function devnetChecks (devnet: Devnet, expect: { policy: GossipPolicy, transport: 'quic' | 'tcp' }): Promise<CheckResult[]> {
  const { scenario } = devnet
  const out: CheckResult[] = []
  out.push(await check('identity', 'peer id derived from seed and index', () =>
    NODES.map(n => {
      const spec = devnet.node(n).spec
      const want = peerIdFor(scenario.seed, spec.index)
      expectThat(devnet.node(n).running.peerId === want, `${n}: reported ${devnet.node(n).running.peerId}, seed ${scenario.seed} index ${spec.index} give ${want}`)
      return `${n} ${want.slice(0, 16)}..`
    }).join(', ')))
  out.push(await check('events.ready', 'ready is event 1 and names peerId, listen, control, gossipPolicy', () =>
    NODES.map(n => {
      const ready = nodeEvents(devnet, n, 'ready')
      expectThat(ready.length === 1, `${n}: ${ready.length} ready events, want 1`)
      const r = ready[0]!
      expectThat(r.seq === 1, `${n}: ready has seq ${r.seq}, want 1`)
      for (const field of ['peerId', 'listen', 'control', 'gossipPolicy'] as const) expectThat(r[field] != null, `${n}: ready has no ${field}`)
      expectThat(r.gossipPolicy === expect.policy, `${n}: ready.gossipPolicy ${r.gossipPolicy}, want ${expect.policy}`)
      return `${n}: seq 1, ${r.gossipPolicy}`
    }).join('; ')))
  const delivered = await until(() => nodeEvents(devnet, 'B', 'msg_received').some(e => [0, 1].includes(e.validator as number)) &&
    nodeEvents(devnet, 'A', 'msg_received').some(e => [2, 3].includes(e.validator as number)), 10_000)
  out.push(await check('gossip.deliveries', 'attestations delivered both ways', () => {
    expectThat(delivered, `within 10 s: B received ${nodeEvents(devnet, 'B', 'msg_received').length}, A received ${nodeEvents(devnet, 'A', 'msg_received').length} attestations of the other`)
    return `A received ${nodeEvents(devnet, 'A', 'msg_received').length}, B received ${nodeEvents(devnet, 'B', 'msg_received').length}`
  }))
  const statuses: Record<string, NodeStatus> = await devnet.statuses()
  out.push(...await statusChecks(devnet, statuses, expect.transport))
  out.push(await check('events.gap-free', 'event seq 1..n without gaps, in order', () =>
    NODES.map(n => {
      const seqs = devnet.history().filter((e): e is NodeEntry => e.kind === 'node' && e.node === n).map(e => e.seq).sort((a, b) => a - b)
      const gap = seqs.findIndex((s, i) => s !== i + 1)
      expectThat(gap < 0, `${n}: seq ${seqs[gap]} at position ${gap + 1}`)
      return `${n}: 1..${seqs.length}`
    }).join(', ')))
  out.push(...await controlApiChecks(devnet))
  return out
}

async function statusChecks (devnet: Devnet, statuses: Record<string, NodeStatus>, transport: 'quic' | 'tcp'): Promise<CheckResult[]> {
  const out: CheckResult[] = []
  const other = (n: string): string => n === 'A' ? 'B' : 'A'
  out.push(await check('status.shape', '/v1/status: legs with id, peer, direction, transport, remote; topics; gossipPeers', () =>
    NODES.map(n => {
      const s = statuses[n]
      expectThat(s != null && Array.isArray(s.legs) && typeof s.topics === 'object' && Array.isArray(s.gossipPeers), `${n}: status lacks legs, topics or gossipPeers`)
      for (const l of s!.legs) expectThat(typeof l.id === 'string' && typeof l.peer === 'string' && typeof l.remote === 'string' && l.transport === transport, `${n}: leg ${JSON.stringify(l)}`)
      expectThat(Object.keys(s!.topics).length === 4, `${n}: subscribed to ${Object.keys(s!.topics).length} topics, want the 4 attestation subnets`)
      return `${n}: ${s!.legs.length} legs, ${Object.keys(s!.topics).length} topics`
    }).join('; ')))
  out.push(await check('legs.two-per-pair', 'one outbound and one inbound leg per pair', () =>
    NODES.map(n => {
      const dirs = statuses[n]!.legs.map(l => l.direction).sort()
      expectThat(dirs.join(',') === 'inbound,outbound', `${n}: legs ${dirs.join(',') || '(none)'}, want inbound,outbound`)
      return `${n}: ${statuses[n]!.legs.map(l => `${l.direction} ${l.id}`).join(', ')}`
    }).join('; ')))
  out.push(await check('legs.own-outbound', 'each node dials its own leg to its peer', () =>
    NODES.map(n => {
      const peer = devnet.node(other(n)).running.peerId
      const own = statuses[n]!.legs.find(l => l.direction === 'outbound' && l.peer === peer)
      expectThat(own != null, `${n}: no outbound leg to ${other(n)}`)
      return `${n}>${other(n)}: ${own!.id}`
    }).join(', ')))
  out.push(await check('legs.through-proxies', 'dials only to the given addresses (each outbound leg ends at its proxy)', () =>
    NODES.map(n => {
      const start = devnet.history().find((e): e is RunStart => e.kind === 'run_start')
      const proxy = start?.legs.find(l => l.name === `${n}>${other(n)}`)?.proxyAddr
      const remotes = statuses[n]!.legs.filter(l => l.direction === 'outbound').map(l => l.remote.replace(/\/p2p\/.*$/, ''))
      expectThat(proxy != null && remotes.every(r => r === proxy), `${n}: outbound remotes ${remotes.join(', ')}, proxy ${proxy ?? '(none)'}`)
      return `${n}: ${remotes.join(', ')}`
    }).join('; ')))
  out.push(await check('visibility', 'declared visibility (ready and /v1/status `unreported`)', () =>
    NODES.map(n => {
      const ready = nodeEvents(devnet, n, 'ready')[0]
      const declared = ready?.unreported ?? []
      expectThat(JSON.stringify(declared) === JSON.stringify(statuses[n]!.unreported ?? []), `${n}: ready says unreported ${JSON.stringify(declared)}, /v1/status ${JSON.stringify(statuses[n]!.unreported ?? [])}`)
      return `${n}: ${declared.length === 0 ? 'reports everything' : `does not report ${declared.join(', ')}`}`
    }).join('; ')))
  out.push(await check('streams.gossip', 'streams per leg, gossip inbound and outbound marked', () =>
    NODES.map(n => {
      const legs = statuses[n]!.legs
      if ((statuses[n]!.unreported ?? []).includes('streams')) throw new NotReported(`${n} declares it does not report streams (unreported: streams); stream_open/stream_close seen: ${nodeEvents(devnet, n, 'stream_open').length}/${nodeEvents(devnet, n, 'stream_close').length}`)
      if (legs.every(l => !Array.isArray(l.streams))) throw new NotReported(`${n}: /v1/status legs carry no streams`)
      const gossip = legs.flatMap(l => l.streams ?? []).map(x => x.gossip).filter(g => g != null)
      expectThat(gossip.includes('inbound') && gossip.includes('outbound'), `${n}: gossip streams ${gossip.join(',') || '(none)'}, want inbound and outbound`)
      return `${n}: ${gossip.sort().join(', ')}`
    }).join('; ')))
  out.push(await check('events.receive-leg', 'msg_received names the leg each message arrived on', () =>
    NODES.map(n => {
      const received = nodeEvents(devnet, n, 'msg_received')
      const legIds = new Set(nodeEvents(devnet, n, 'leg_open').map(e => e.leg))
      const withLeg = received.filter(e => e.leg !== undefined)
      if ((statuses[n]!.unreported ?? []).includes('receiveLeg')) throw new NotReported(`${n} declares it does not report the receive leg; ${withLeg.length} of ${received.length} msg_received carry one`)
      if (withLeg.length === 0) throw new NotReported(`${n}: none of ${received.length} msg_received carries a leg (optional, undeclared)`)
      const unknownLeg = withLeg.filter(e => !legIds.has(e.leg!))
      expectThat(unknownLeg.length === 0, `${n}: msg_received on leg ${unknownLeg[0]?.leg}, which no leg_open names`)
      return `${n}: ${withLeg.length} of ${received.length} on a known leg`
    }).join('; ')))
  return out
}

async function controlApiChecks (devnet: Devnet): Promise<CheckResult[]> {
  const url = devnet.node('A').client.url
  const out: CheckResult[] = []
  out.push(await check('control.events', 'GET /v1/events?after=1 starts at seq 2', async () => {
    const body = await (await fetch(`${url}/v1/events?after=1`)).json() as { lastSeq?: number, events?: Array<{ seq: number }> }
    expectThat(body.events?.[0]?.seq === 2, `first event seq ${body.events?.[0]?.seq}, want 2`)
    return `lastSeq ${body.lastSeq}, ${body.events?.length} events`
  }))
  out.push(await check('control.metrics', 'GET /metrics is Prometheus text', async () => {
    const res = await fetch(`${url}/metrics`)
    const text = await res.text()
    expectThat(res.status === 200 && /^# (HELP|TYPE) /m.test(text), `status ${res.status}, ${text.slice(0, 60)}`)
    return `200, ${text.split('\n').length} lines`
  }))
  out.push(await check('control.errors', 'errors are JSON with 4xx: unknown path 404, unknown leg 404, bad body 400', async () => {
    const missing = await fetch(`${url}/v1/nope`)
    const missingBody = await missing.json().catch(() => ({})) as Record<string, unknown>
    expectThat(missing.status === 404 && 'error' in missingBody, `GET /v1/nope: ${missing.status} ${JSON.stringify(missingBody)}, want 404 {error}`)
    const badLeg = await fetch(`${url}/v1/legs/no-such-leg/close`, { method: 'POST', body: '{}' })
    expectThat(badLeg.status === 404, `POST /v1/legs/no-such-leg/close: ${badLeg.status}, want 404`)
    const badBody = await fetch(`${url}/v1/dial`, { method: 'POST', body: '{"peerId": 7}' })
    expectThat(badBody.status === 400, `POST /v1/dial {"peerId": 7}: ${badBody.status}, want 400`)
    return '404, 404, 400'
  }))
  out.push(await check('control.publish', 'POST /v1/publish returns the msg_published fields', async () => {
    const published = await devnet.node('A').client.publish(999, 0) as { msgId?: string, slot?: number }
    expectThat(published.slot === 999 && /^[0-9a-f]{40}$/.test(published.msgId ?? ''), `got ${JSON.stringify(published)}`)
    return `slot 999, msgId ${published.msgId}`
  }))
  return out
}
