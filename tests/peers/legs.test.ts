/**
 * Issues 6 and 12: every built contract peer's legs and control API
 * (peers-under-test.ts), as real processes: its own outbound leg to a peer
 * whose inbound leg it already holds (go-libp2p and rust-libp2p would reuse
 * that connection on a plain dial), errors of the control API, the redial of
 * its own outbound leg (and the redial switch), and the config's QUIC idle
 * timeout on dialed AND accepted legs (through meshflap's UDP proxy, blackholed).
 */
import { expect } from 'chai'
import { startFaultEngine } from '../../harness/faults/engine.ts'
import type { FaultEngine } from '../../harness/faults/engine.ts'
import { Leg } from '../../harness/faults/leg.ts'
import { peerIdFor } from '../../harness/contract/identity.ts'
import { eventOfType } from '../../harness/contract/node-events.ts'
import type { NodeEvent } from '../../harness/contract/node-events.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { api, status } from '../support/node-pair.ts'
import { waitFor, waitForValue } from '../support/wait-for.ts'
import { legsAndStreamsTo, PeerSet } from './peer-set.ts'
import type { Impl, Peer } from './peer-set.ts'
import { PEERS } from './peers-under-test.ts'

async function call (p: Peer, path: string, init: RequestInit = {}): Promise<{ code: number, body: Record<string, unknown> }> {
  const res = await fetch(`${p.node.controlUrl}${path}`, init)
  return { code: res.status, body: await res.json() as Record<string, unknown> }
}

const post = (body: string): RequestInit => ({ method: 'POST', body, headers: { 'content-type': 'application/json' } })

const udpAddr = (hostPort: string): string => {
  const i = hostPort.lastIndexOf(':')
  return `/ip4/${hostPort.slice(0, i)}/udp/${hostPort.slice(i + 1)}/quic-v1`
}

for (const peer of PEERS) {
  describe(`${peer.title} legs and control API (real processes)`, function () {
    this.timeout(90_000)
    let set: PeerSet | undefined
    let engine: FaultEngine | undefined

    afterEach(async () => {
      await set?.[Symbol.asyncDispose]()
      await engine?.dispose()
      set = undefined
      engine = undefined
    })

    const pairs: Array<[Impl, Impl]> = [['ts', peer.impl], [peer.impl, peer.impl]]
    for (const transport of ['quic', 'tcp'] as const) {
      for (const [first, second] of pairs) {
        it(`${transport}: G opens its own outbound leg to ${first === 'ts' ? 'a TS node' : `a ${peer.title}`} whose inbound leg it holds, to exactly the given address`, async () => {
          set = await PeerSet.create()
          const [a, g] = await Promise.all([
            set.start({ name: 'A', index: 0, impl: first, transport, validators: [0] }),
            set.start({ name: 'G', index: 1, impl: second, transport, validators: [1] })
          ])
          // A dials G first; G then dials A although A's connection to it is open
          await set.connect(a, g)
          const legs = (await status(g)).legs.filter(l => l.peer === a.node.peerId)
          expect(legs.map(l => l.direction).sort()).to.deep.equal(['inbound', 'outbound'])
          const outbound = legs.find(l => l.direction === 'outbound')!
          expect(outbound.remote, 'G dialed exactly the address it was given').to.equal(a.node.listen[0])
          expect(new Set(legs.map(l => l.id)).size, 'two distinct connections').to.equal(2)
          const opens = g.events.filter(eventOfType('leg_open')).filter(e => e.peer === a.node.peerId)
          expect(opens.map(e => e.direction)).to.deep.equal(['inbound', 'outbound'])
          expect(opens.every(e => e.transport === transport)).to.equal(true)
          // negative control for the check above: the peer that dialed first holds both legs too
          expect((await status(a)).legs.filter(l => l.peer === g.node.peerId).map(l => l.direction).sort()).to.deep.equal(['inbound', 'outbound'])
        })
      }
    }

    it('answers control API errors as the contract says, serves events and metrics, stops on SIGTERM within 5 s', async () => {
      set = await PeerSet.create()
      const g = await set.start({ name: 'G', index: 0, impl: peer.impl, transport: 'tcp', validators: [0] })
      expect((await call(g, '/v1/nope')).code).to.equal(404)
      expect((await call(g, '/v1/status', post('{}'))).code).to.equal(405)
      expect((await call(g, '/v1/dial')).code).to.equal(405)
      expect(await call(g, '/v1/dial', post('{ nope'))).to.deep.equal({ code: 400, body: { error: 'request body is not valid JSON' } })
      expect(await call(g, '/v1/dial', post('{"addr":"/ip4/127.0.0.1/tcp/1"}'))).to.deep.equal({ code: 400, body: { error: 'field "peerId" is required (string)' } })
      expect((await call(g, '/v1/dial', post(`{"peerId":"${g.node.peerId}","addr":"/dns4/x/tcp/1"}`))).code).to.equal(400)
      expect((await call(g, '/v1/publish', post('{"slot":-1,"validator":0}'))).code).to.equal(400)
      expect((await call(g, '/v1/redial', post('{"enabled":"yes"}'))).code).to.equal(400)
      expect(await call(g, '/v1/legs/nope-1/close', post('{}'))).to.deep.equal({ code: 404, body: { error: 'no open leg with id "nope-1"' } })
      // nothing listens on port 1: the dial fails and says so
      const failed = await call(g, '/v1/dial', post(JSON.stringify({ peerId: peerIdFor(99, 99), addr: '/ip4/127.0.0.1/tcp/1' })))
      expect(failed.code).to.equal(502)
      expect(String(failed.body.error)).to.match(/^dial failed: /)

      const published = await api(g, '/v1/publish', { slot: 7, validator: 5 }) as Record<string, unknown>
      expect(published).to.include({ topic: '/leanconsensus/12345678/attestation_1/ssz_snappy', slot: 7, validator: 5 })
      expect(published.msgId).to.match(/^[0-9a-f]{40}$/)
      expect(published.recipients, 'publishing to zero peers is no error').to.deep.equal([])
      expect(published).to.not.have.property('publishError')
      const { body: page } = await call(g, '/v1/events?after=1')
      const events = page.events as NodeEvent[]
      expect(events[0]?.seq).to.equal(2)
      expect(events.map(e => e.seq)).to.deep.equal(events.map((_, i) => i + 2))
      expect(page.lastSeq).to.equal(events.at(-1)?.seq)
      expect(events.some(e => e.type === 'msg_published' && e.msgId === published.msgId)).to.equal(true)
      expect((await call(g, '/v1/events?after=-3')).code).to.equal(400)
      const metrics = await (await fetch(`${g.node.controlUrl}/metrics`)).text()
      expect(metrics).to.match(/^meshflap_node_events_total\{type="msg_published"\} [1-9]/m)
      expect(metrics).to.match(/^meshflap_node_legs\{direction="outbound"\} 0$/m)

      const t0 = Date.now()
      await g.node.stop()
      const exit = await g.node.exited
      expect(exit.code).to.equal(0)
      console.log(`      stopped ${Date.now() - t0} ms after SIGTERM`)
      expect(Date.now() - t0).to.be.below(5000)
    })

    it('redials its own outbound leg after it closes, and holds redials off while disabled', async () => {
      set = await PeerSet.create()
      const [g, t] = await Promise.all([
        set.start({ name: 'G', index: 0, impl: peer.impl, transport: 'tcp', validators: [0], config: { redial: { enabled: true, minMs: 200, maxMs: 1000 } } }),
        set.start({ name: 'T', index: 1, impl: 'ts', transport: 'tcp', validators: [1] })
      ])
      await set.connect(g, t)
      const outboundLeg = async (): Promise<string | undefined> => (await status(g)).legs.find(l => l.direction === 'outbound' && l.peer === t.node.peerId)?.id
      const first = await outboundLeg()
      expect(await api(g, `/v1/legs/${first!}/close`, {})).to.deep.equal({ closed: first })
      await waitForValue(async () => { const id = await outboundLeg(); return id !== first && id }, 5000, 'G has a new outbound leg')
      const closed = g.events.find(e => e.type === 'leg_close' && e.leg === first)
      expect(closed).to.include({ reason: 'api-close', direction: 'outbound', peer: t.node.peerId })
      const reopened = g.events.find(e => e.type === 'leg_open' && e.direction === 'outbound' && e.seq > closed!.seq)
      console.log(`      redial ${reopened!.ts - closed!.ts} ms after the close (minMs 200)`)
      expect(reopened!.ts - closed!.ts, 'redial after minMs').to.be.within(150, 3000)
      // the gossip streams that rode the closed leg are reported closed with it
      const onFirst = g.events.filter(eventOfType('stream_open')).filter(e => e.leg === first).map(e => e.stream)
      expect(onFirst.length, 'gossip streams rode the first leg').to.be.greaterThan(0)
      for (const s of onFirst) expect(g.events.some(e => e.type === 'stream_close' && e.stream === s), `stream ${s} closed`).to.equal(true)

      expect(await api(g, '/v1/redial', { enabled: false })).to.deep.equal({ enabled: false })
      const second = await outboundLeg()
      await api(g, `/v1/legs/${second!}/close`, { abort: true })
      await waitFor(() => g.events.some(e => e.type === 'leg_close' && e.leg === second), 5000, 'G reports the aborted leg closed')
      // An absence needs a window: an enabled redial would come minMs (200 ms) after the close;
      // watch 1500 ms, past maxMs (1000 ms) too.
      await sleep(1500)
      expect(await outboundLeg(), 'no redial while disabled').to.equal(undefined)
      expect((await status(g)).redialEnabled).to.equal(false)
      await api(g, '/v1/redial', { enabled: true })
      await waitFor(async () => (await outboundLeg()) != null, 5000, 'G redials once enabled again')
    })

    it('applies the QUIC idle timeout to the legs it dials and to those it accepts', async () => {
      set = await PeerSet.create()
      engine = await startFaultEngine('udp')
      // G: 2 s idle timeout. T: the default 10 s. QUIC's effective idle timeout is the smaller of both
      // ends', so 2 s on both legs only if G applies its own value as a client AND as a server.
      const [g, t] = await Promise.all([
        set.start({ name: 'G', index: 0, impl: peer.impl, transport: 'quic', validators: [0], config: { redial: { enabled: false, minMs: 100, maxMs: 1000 } } }),
        set.start({ name: 'T', index: 1, impl: 'ts', transport: 'quic', validators: [1], config: { quic: { maxIdleTimeoutMs: 10_000, keepAliveIntervalMs: 5000, handshakeTimeoutMs: 5000 }, redial: { enabled: false, minMs: 100, maxMs: 1000 } } })
      ])
      const hostPort = (ma: string): string => { const p = ma.split('/'); return `${p[2]!}:${p[4]!}` }
      const gToT = await engine.createProxy('G>T', '127.0.0.1:0', hostPort(t.node.listen[0]!))
      const tToG = await engine.createProxy('T>G', '127.0.0.1:0', hostPort(g.node.listen[0]!))
      await api(g, '/v1/dial', { peerId: t.node.peerId, addr: udpAddr(gToT.listen) })
      await api(t, '/v1/dial', { peerId: g.node.peerId, addr: udpAddr(tToG.listen) })
      await waitFor(async () => {
        const [sg, st] = await Promise.all([status(g), status(t)])
        return legsAndStreamsTo(sg, t.node.peerId) && legsAndStreamsTo(st, g.node.peerId)
      }, 10_000, 'G and T hold 2 legs and a gossip stream each way')
      const legs = (await status(g)).legs
      const record = (): void => {}
      const blackholedAt = Date.now()
      await Promise.all([
        new Leg({ name: 'G>T', dialer: 'G', listener: 'T', transport: 'quic', proxy: gToT, record }).blackhole('both'),
        new Leg({ name: 'T>G', dialer: 'T', listener: 'G', transport: 'quic', proxy: tToG, record }).blackhole('both')
      ])
      await waitFor(() => legs.every(l => g.events.some(e => e.type === 'leg_close' && e.leg === l.id)), 9000, 'both of G\'s legs closed')
      for (const l of legs) {
        const closed = g.events.filter(eventOfType('leg_close')).find(e => e.leg === l.id)!
        console.log(`      G's ${l.direction} leg closed ${closed.ts - blackholedAt} ms after the blackhole (idle timeout 2000 ms)`)
        expect(closed.ts - blackholedAt, `${l.direction} leg closed near the 2 s idle timeout`).to.be.within(1000, 4500)
        expect(closed.reason, `${l.direction} leg`).to.match(peer.idleCloseReason)
      }
    })
  })
}
