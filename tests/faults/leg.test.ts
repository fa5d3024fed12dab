/**
 * The Leg handle over both engines (TCP: real toxiproxy-server, QUIC: the UDP
 * proxy), against raw echo servers: each action changes what passes, and is
 * recorded as a FaultEntry with its timestamp.
 */
import { once } from 'node:events'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { expect } from 'chai'
import type { Proxy } from 'toxiproxy-node-client'
import { startFaultEngine } from '../../harness/faults/engine.ts'
import type { FaultEngine } from '../../harness/faults/engine.ts'
import { Leg, UnsupportedFaultError } from '../../harness/faults/leg.ts'
import type { LegClock } from '../../harness/faults/leg.ts'
import type { FaultEntry, TransportName } from '../../harness/history/types.ts'
import { startTcpEcho, startUdpEcho } from './support/echo.ts'
import type { EchoServer } from './support/echo.ts'
import { waitFor } from '../support/wait-for.ts'
import { isAlive } from './support/leaks.ts'
import { openTcpProbe, openUdpProbe } from './support/probe.ts'
import type { Probe } from './support/probe.ts'

/** A clock whose sleeps take no time but are logged (the schedule is what is under test). */
function fakeClock (): LegClock & { sleeps: number[], t: number } {
  const clock = {
    t: 1_000_000,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted()
      clock.sleeps.push(ms)
      clock.t += ms
      await Promise.resolve()
    }
  }
  return clock
}

async function openConn (addr: string): Promise<Socket> {
  const i = addr.lastIndexOf(':')
  const conn = connect(Number(addr.slice(i + 1)), addr.slice(0, i))
  conn.on('error', () => { /* resets are what some tests cause */ })
  await once(conn, 'connect')
  return conn
}

for (const transport of ['tcp', 'quic'] as const satisfies readonly TransportName[]) {
  describe(`Leg over ${transport === 'tcp' ? 'toxiproxy-server' : 'the UDP proxy'} (${transport})`, function () {
    this.timeout(20_000)
    let engine: FaultEngine
    let echo: EchoServer
    let proxy: Proxy
    let probe: Probe
    let entries: FaultEntry[]
    const makeLeg = (extra: Partial<ConstructorParameters<typeof Leg>[0]> = {}): Leg =>
      new Leg({ name: 'A>B', dialer: 'A', listener: 'B', transport, proxy, record: (e) => { entries.push(e) }, ...extra })

    before(async () => { engine = await startFaultEngine(transport === 'tcp' ? 'toxiproxy' : 'udp', { seed: 3 }) })
    after(async () => {
      const pid = engine.pid
      await engine.dispose()
      if (pid !== undefined) await waitFor(() => !isAlive(pid), 5000, `engine process ${pid} exits`, 10)
    })
    beforeEach(async () => {
      entries = []
      echo = transport === 'tcp' ? await startTcpEcho() : await startUdpEcho()
      proxy = await engine.createProxy('A>B', '127.0.0.1:0', echo.addr)
      probe = transport === 'tcp' ? await openTcpProbe(proxy.listen) : await openUdpProbe(proxy.listen)
    })
    afterEach(async function () {
      await probe.close()
      await proxy.remove()
      try {
        if (this.currentTest?.state !== 'passed') return // report the test's own failure, not its leftovers
        expect(await engine.proxyNames()).to.deep.equal([])
        await waitFor(() => echo.openConnections === 0, 2000, () => `the proxied connections are closed (${echo.openConnections} open)`, 10)
      } finally {
        await echo.close()
      }
    })

    it('down blocks and up restores, each recorded after the engine confirmed it', async () => {
      const leg = makeLeg()
      expect(leg.proxyAddr).to.equal(proxy.listen)
      const t0 = Date.now()
      await leg.down({ fault: 'faults[0]', selector: 'leg: A>B', dialerLeg: 'c1' })
      const t1 = Date.now()
      expect(await probe.ping(300)).to.equal(undefined)
      await leg.up({ fault: 'faults[0]' })
      expect(await probe.ping()).to.be.a('number')
      expect(entries).to.have.length(2)
      expect(entries[0]).to.deep.include({ kind: 'fault', fault: 'faults[0]', action: 'down', phase: 'apply', leg: 'A>B', selector: 'leg: A>B', dialerLeg: 'c1' })
      expect(entries[0]?.ts).to.be.within(t0, t1)
      expect(entries[1]).to.deep.include({ kind: 'fault', fault: 'faults[0]', action: 'up', phase: 'heal', leg: 'A>B' })
    })

    it('retarget points the proxy at a new upstream (a restarted node\'s new address), keeps its listen address, records nothing', async () => {
      const leg = makeLeg()
      const listen = leg.proxyAddr
      expect(await probe.ping()).to.be.a('number')
      const moved = transport === 'tcp' ? await startTcpEcho() : await startUdpEcho()
      try {
        await leg.retarget(moved.addr)
        expect(leg.upstreamAddr).to.equal(moved.addr)
        expect(leg.proxyAddr, 'the dialers keep their address').to.equal(listen)
        // the engines drop the old flows/connections: a fresh probe reaches the new upstream
        const fresh = transport === 'tcp' ? await openTcpProbe(listen) : await openUdpProbe(listen)
        try {
          const before = moved.received
          expect(await fresh.ping(2000)).to.be.a('number')
          expect(moved.received, 'the new upstream got the ping').to.be.greaterThan(before)
        } finally { await fresh.close() }
        await leg.retarget(moved.addr) // unchanged: no engine call needed, still fine
        expect(entries).to.deep.equal([])
        await leg.retarget(echo.addr)
      } finally { await moved.close() }
    })

    it('flap runs times x (down, downMs, up) with upMs between, each cycle numbered', async () => {
      const clock = fakeClock()
      const leg = makeLeg({ clock, label: 'flapper' })
      await leg.flap({ times: 3, downMs: 200, upMs: 500 })
      expect(clock.sleeps).to.deep.equal([200, 500, 200, 500, 200])
      expect(entries.map((e) => `${e.fault} ${e.action} ${e.ts - 1_000_000}`)).to.deep.equal([
        'flapper#1 down 0', 'flapper#1 up 200', 'flapper#2 down 700', 'flapper#2 up 900', 'flapper#3 down 1400', 'flapper#3 up 1600'
      ])
      expect(await probe.ping(), 'leg down after flap').to.be.a('number')
    })

    it('an aborted flap leaves the leg up and says so', async () => {
      const leg = makeLeg()
      const controller = new AbortController()
      const flapping = leg.flap({ times: 5, downMs: 5000, upMs: 100 }, { fault: 'f', signal: controller.signal })
      await waitFor(() => entries.length === 1, 2000, 'the first down is recorded', 10)
      controller.abort()
      const err = await flapping.then(() => undefined, (e: unknown) => e)
      expect((err as Error).name).to.equal('AbortError')
      expect(entries.map((e) => `${e.fault} ${e.action}`)).to.deep.equal(['f#1 down', 'f#aborted up'])
      expect(await probe.ping(), 'leg left down').to.be.a('number')
    })

    it('latency sets one toxic per stream, a second call changes it, 0 removes it', async () => {
      const leg = makeLeg()
      await leg.latency(40, 5)
      expect((await leg.toxics()).map((t) => [t.name, t.type, t.stream, t.attributes.latency, t.attributes.jitter]))
        .to.deep.equal([['latency_upstream', 'latency', 'upstream', 40, 5], ['latency_downstream', 'latency', 'downstream', 40, 5]])
      await leg.latency(60, 0, { direction: 'downstream' })
      expect((await leg.toxics()).map((t) => [t.name, t.attributes.latency])).to.deep.equal([['latency_upstream', 40], ['latency_downstream', 60]])
      // the fastest of three round trips: the toxics' 40 + 60 ms is a floor, and a loaded machine only adds to
      // one echo (a suite run at load 20 measured over 140 ms once); doubled toxics would still show (>= 160 ms)
      const rtts: number[] = []
      for (let i = 0; i < 3; i++) rtts.push(await probe.ping(2000) ?? Infinity)
      expect(Math.min(...rtts), `round trips ${rtts.join(', ')} ms`).to.be.within(90, 140)
      await leg.latency(0, 0)
      expect(await leg.toxics()).to.deep.equal([])
      expect(entries.map((e) => [e.action, e.phase, e.params])).to.deep.equal([
        ['latency', 'apply', { ms: 40, jitterMs: 5, direction: 'both' }],
        ['latency', 'apply', { ms: 60, jitterMs: 0, direction: 'downstream' }],
        ['latency', 'heal', { ms: 0, jitterMs: 0, direction: 'both' }]
      ])
    })

    it(transport === 'quic' ? 'latency with reorder sets reorder 1, and a later call in order sets it back to 0' : 'latency with reorder is refused on a TCP leg, naming why', async () => {
      const leg = makeLeg()
      if (transport === 'tcp') {
        const err = await leg.latency(40, 10, { reorder: true }).then(() => undefined, (e: unknown) => e as Error)
        expect(err?.message).to.match(/latency with reorder is not supported on a tcp leg: TCP delivers its bytes in order/)
        expect(await leg.toxics()).to.deep.equal([])
        return
      }
      await leg.latency(40, 10, { reorder: true })
      expect((await leg.toxics()).map((t) => t.attributes.reorder)).to.deep.equal([1, 1])
      await leg.latency(40, 10)
      expect((await leg.toxics()).map((t) => t.attributes.reorder)).to.deep.equal([0, 0])
      await leg.latency(0, 0)
      expect(entries.map((e) => e.params)[0]).to.deep.equal({ ms: 40, jitterMs: 10, direction: 'both', reorder: true })
    })

    it('blackhole blocks both ways; heal removes every toxic (also foreign ones) and enables', async () => {
      const leg = makeLeg()
      await leg.blackhole('both')
      expect(await probe.ping(300)).to.equal(undefined)
      await proxy.addToxic({ name: 'foreign', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 1000, jitter: 0 } })
      await leg.down()
      await leg.heal({ fault: 'cleanup' })
      expect(await leg.toxics()).to.deep.equal([])
      expect(await probe.ping(), 'no echo after heal').to.be.a('number')
      expect(entries.map((e) => `${e.action}/${e.phase}`)).to.deep.equal(['blackhole/apply', 'down/apply', 'heal/heal'])
      expect(entries[0]?.params).to.deep.equal({ direction: 'both' })
    })

    // two faults of a scenario on one leg (a random blackhole and a bearing-of stall) ending in the
    // same millisecond: each heal listed the toxics, and the second one's delete met 404 "toxic not
    // found" (field-shaped seed 88, a power run). The leg now takes its engine calls one at a time.
    it('overlapping faults on one leg: actions applied and healed at once take effect one after the other', async () => {
      const leg = makeLeg()
      await Promise.all([leg.blackhole('both', { fault: 'f1' }), leg.stall('both', { fault: 'f2' }), leg.latency(20, 0, { fault: 'f3' })])
      expect((await leg.toxics()).length).to.equal(6)
      await Promise.all([leg.heal({ fault: 'f1' }), leg.heal({ fault: 'f2' }), leg.latency(0, 0, { fault: 'f3' })])
      expect(await leg.toxics()).to.deep.equal([])
      expect(await probe.ping(), 'echo after the heals').to.be.a('number')
      expect(entries.map((e) => `${e.fault ?? ''}:${e.action}/${e.phase}`)).to.deep.equal([
        'f1:blackhole/apply', 'f2:stall/apply', 'f3:latency/apply', 'f1:heal/heal', 'f2:heal/heal', 'f3:latency/heal'
      ])
      const ts = entries.map(e => e.ts)
      expect(ts, 'each recorded when it was sent, in order').to.deep.equal([...ts].sort((a, b) => a - b))
    })

    // field-shaped: about 1.5 heals a run used to end another fault on the same leg early
    it('a scenario fault\'s heal (ownOnly) ends its own toxics and leaves another live fault\'s in place', async () => {
      const leg = makeLeg()
      await leg.blackhole('both', { fault: 'f1', ownOnly: true })
      await leg.stall('both', { fault: 'f2', ownOnly: true, maxBytes: 64 })
      await leg.latency(20, 0, { fault: 'f3', ownOnly: true })
      await leg.latency(30, 0, { fault: 'f4', ownOnly: true }) // the same toxic, now held by two faults
      await leg.heal({ fault: 'f1', ownOnly: true })
      expect((await leg.toxics()).map(t => t.name).sort()).to.deep.equal(['latency_downstream', 'latency_upstream', 'stall_downstream', 'stall_upstream'])
      await leg.heal({ fault: 'f3', ownOnly: true })
      expect((await leg.toxics()).map(t => t.name).sort(), 'f4 still holds the latency').to.deep.equal(['latency_downstream', 'latency_upstream', 'stall_downstream', 'stall_upstream'])
      await leg.heal({ fault: 'f2', ownOnly: true })
      await leg.heal({ fault: 'f4', ownOnly: true })
      expect(await leg.toxics()).to.deep.equal([])
      expect(await probe.ping(), 'echo once every fault ended').to.be.a('number')
      expect(entries.filter(e => e.phase === 'heal').map(e => e.fault)).to.deep.equal(['f1', 'f3', 'f2', 'f4'])
    })

    it('a flap inside a longer down (a bearing storm) leaves the leg down until the storm ends; a plain up ends every down', async () => {
      const leg = makeLeg()
      await leg.down({ fault: 'storm', ownOnly: true })
      await leg.flap({ times: 1, downMs: 10, upMs: 0 }, { fault: 'flap', ownOnly: true })
      expect(await probe.ping(300), 'still down: the storm holds it').to.equal(undefined)
      await leg.heal({ fault: 'storm', ownOnly: true })
      expect(await probe.ping(), 'up when the storm ends').to.be.a('number')
      await leg.down({ fault: 'd1', ownOnly: true })
      await leg.down({ fault: 'd2', ownOnly: true })
      await leg.up({ fault: 'u' })
      expect(await probe.ping(), 'the up action ends both downs').to.be.a('number')
    })

    it('close asks the node through closeVia; without it, close fails and records nothing', async () => {
      let asked = 0
      await makeLeg({ closeVia: async () => { asked++ } }).close({ fault: 'x' })
      expect(asked).to.equal(1)
      expect(entries.map((e) => e.action)).to.deep.equal(['close'])
      const err = await makeLeg().close().then(() => undefined, (e: unknown) => e)
      expect((err as Error).message).to.include('closeVia')
      expect(entries).to.have.length(1)
    })

    it(`refuses what ${transport} cannot do, recording nothing`, async () => {
      const leg = makeLeg()
      const refused = transport === 'tcp'
        ? [async () => { await leg.loss(0.1) }, async () => { await leg.rebind() }]
        : [async () => { await leg.bandwidth(10) }, async () => { await leg.reset() }]
      for (const attempt of refused) {
        const err = await attempt().then(() => undefined, (e: unknown) => e)
        expect(err).to.be.instanceOf(UnsupportedFaultError)
      }
      expect(entries).to.deep.equal([])
      expect(await leg.toxics()).to.deep.equal([])
    })

    if (transport === 'tcp') {
      it('blackhole keeps the connection and holds the bytes; heal delivers them', async () => {
        const leg = makeLeg()
        const conn = await openConn(proxy.listen)
        let got = ''
        conn.on('data', (d) => { got += d.toString() })
        conn.write('a')
        await waitFor(() => got === 'a', 1000, 'the echo of "a"', 10)
        await leg.blackhole('both')
        conn.write('b')
        await sleep(400) // an absence needs a window: toxiproxy-server keeps no count of held bytes to wait on
        expect(got, 'bytes passed a blackhole').to.equal('a')
        expect(conn.destroyed, 'blackhole closed the connection').to.equal(false)
        await leg.heal()
        await waitFor(() => got === 'ab', 1000, () => `the held "b" arrives after heal (got "${got}")`, 10)
        conn.write('c')
        await waitFor(() => got === 'abc', 1000, () => `the echo of "c" (got "${got}")`, 10)
        conn.destroy()
      })

      it('reset closes the live connection when data passes, and every new one until heal', async () => {
        const leg = makeLeg()
        const conn = await openConn(proxy.listen)
        const closed = once(conn, 'close')
        await leg.reset()
        conn.write('x')
        await closed
        expect(await probe.ping(300), 'a new connection passed a reset leg').to.equal(undefined)
        await leg.heal()
        expect(await probe.ping(), 'no echo after heal').to.be.a('number')
      })

      it('bandwidth limits the rate (KB/s)', async () => {
        const leg = makeLeg()
        await leg.bandwidth(50, { direction: 'downstream' })
        const conn = await openConn(proxy.listen)
        let got = 0
        conn.on('data', (d) => { got += d.length })
        const start = performance.now()
        conn.write(Buffer.alloc(40_000))
        await waitFor(() => got === 40_000, 5000, () => `all 40 KB arrive (${got} bytes)`, 10)
        // 40 KB at 50 KB/s: 0.8 s
        console.log(`      40 KB at 50 KB/s took ${Math.round(performance.now() - start)} ms`)
        expect(performance.now() - start).to.be.within(600, 2000)
        conn.destroy()
      })
    } else {
      it('loss(1) drops everything, loss(0) removes it', async () => {
        const leg = makeLeg()
        await leg.loss(1, { direction: 'upstream' })
        expect((await leg.toxics()).map((t) => [t.name, t.type, t.attributes.probability])).to.deep.equal([['loss_upstream', 'loss', 1]])
        expect(await probe.ping(300)).to.equal(undefined)
        await leg.loss(0, { direction: 'upstream' })
        expect(await leg.toxics()).to.deep.equal([])
        expect(await probe.ping()).to.be.a('number')
        expect(entries.map((e) => `${e.action}/${e.phase}`)).to.deep.equal(['loss/apply', 'loss/heal'])
      })

      it('rebind changes the source port the listener sees and leaves no toxic behind', async () => {
        const leg = makeLeg()
        expect(await probe.ping()).to.be.a('number')
        const first = echo.sources[0]
        await leg.rebind()
        expect(await leg.toxics()).to.deep.equal([])
        await waitFor(async () => { await probe.ping(); return echo.sources.at(-1) !== first }, 2000, `the listener sees a new source port (it stayed ${first})`, 10)
        expect(entries.map((e) => e.action)).to.deep.equal(['rebind'])
      })

      it('blackhole upstream only: the listener gets nothing', async () => {
        const leg = makeLeg()
        await leg.blackhole('upstream')
        expect(await probe.ping(300)).to.equal(undefined)
        expect(echo.received).to.equal(0)
        expect((await leg.toxics()).map((t) => `${t.type}/${t.stream}`)).to.deep.equal(['blackhole/upstream'])
      })
    }
  })
}
