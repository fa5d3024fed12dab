/**
 * The fault engine contract as one shared suite (js-libp2p's
 * interface-compliance-tests shape): every engine that claims toxiproxy's API
 * runs it, driven by toxiproxy-node-client against raw echo servers.
 *
 *   suite ── client ──> engine ── proxy ──> echo server (TCP or UDP, 127.0.0.1)
 *     └──── probe (ping = one echo round trip) ──┘
 *
 * After every test: the engine has no proxy left, the echo server no
 * connection, this process no extra handle; after the suite: no engine process.
 */
import { expect } from 'chai'
import { ToxiproxyError } from 'toxiproxy-node-client'
import type { Proxy, ToxicType } from 'toxiproxy-node-client'
import type { FaultEngine } from '../../../harness/faults/engine.ts'
import type { EchoServer } from './echo.ts'
import type { Probe } from './probe.ts'
import { waitFor } from '../../support/wait-for.ts'
import { countHandles, isAlive, median } from './leaks.ts'

/** One engine to run the suite against. */
export interface EngineUnderTest {
  /** suite title, e.g. "toxiproxy-server (TCP)" */
  title: string
  /** 'tcp' | 'udp': what the engine's proxies carry ("listen tcp ..." in bind errors) */
  transport: 'tcp' | 'udp'
  start: () => Promise<FaultEngine>
  startEcho: () => Promise<EchoServer>
  openProbe: (addr: string) => Promise<Probe>
  /** handle kinds whose count in this process must be back to the baseline after each test */
  handleKinds: string[]
}

interface RawAnswer { status: number, body: unknown }

export function faultEngineCompliance (e: EngineUnderTest): void {
  describe(`fault engine compliance: ${e.title}`, function () {
    this.timeout(30_000)
    let engine: FaultEngine
    let echo: EchoServer
    let baseline: Map<string, number>
    const probes: Probe[] = []

    const raw = async (method: string, path: string, body?: unknown): Promise<RawAnswer> => {
      const res = await fetch(`${engine.apiUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body))
      })
      const text = await res.text()
      let parsed: unknown = text
      try { parsed = JSON.parse(text) } catch { /* not JSON: keep the text */ }
      return { status: res.status, body: parsed }
    }
    const create = async (name: string, listen = '127.0.0.1:0'): Promise<Proxy> => await engine.createProxy(name, listen, echo.addr)
    const probe = async (proxy: Proxy): Promise<Probe> => {
      const p = await e.openProbe(proxy.listen)
      probes.push(p)
      return p
    }
    const rtts = async (p: Probe, n: number): Promise<number[]> => {
      const out: number[] = []
      for (let i = 0; i < n; i++) {
        const rtt = await p.ping(2000)
        expect(rtt, `ping ${i + 1} of ${n} got no echo`).to.be.a('number')
        out.push(rtt ?? NaN)
      }
      return out
    }

    before(async () => { engine = await e.start() })
    after(async () => {
      const pid = engine.pid
      await engine.dispose()
      if (pid !== undefined) await waitFor(() => !isAlive(pid), 5000, `engine process ${pid} exits`, 10)
    })
    beforeEach(async () => {
      baseline = new Map(e.handleKinds.map((k) => [k, countHandles(k)]))
      echo = await e.startEcho()
    })
    afterEach(async function () {
      const left = await engine.proxyNames()
      for (const name of left) await engine.client.get(name).then(async (p) => { await p.remove() })
      for (const p of probes.splice(0)) await p.close()
      try {
        if (this.currentTest?.state !== 'passed') return // report the test's own failure, not its leftovers
        expect(left, 'proxies left behind by the test').to.deep.equal([])
        await waitFor(() => echo.openConnections === 0, 2000, () => `the proxied connections are closed at the echo server (${echo.openConnections} open)`, 10)
      } finally {
        await echo.close()
      }
      for (const [kind, n] of baseline) {
        await waitFor(() => countHandles(kind) === n, 2000, () => `${kind} handles back to ${n}, as before the test (now ${countHandles(kind)})`, 10)
      }
    })

    it('creates a proxy on a free port, reports the real address, and passes traffic', async () => {
      const proxy = await create('echo')
      expect(proxy.listen).to.match(/^127\.0\.0\.1:\d+$/)
      expect(proxy.listen).to.not.equal('127.0.0.1:0')
      expect(proxy.upstream).to.equal(echo.addr)
      expect(proxy.enabled).to.equal(true)
      const p = await probe(proxy)
      await rtts(p, 3)
      const all = await engine.client.getAll()
      expect(Object.keys(all)).to.deep.equal(['echo'])
      expect(all.echo?.listen).to.equal(proxy.listen)
      await proxy.remove()
    })

    it('down blocks traffic, up restores it on the same address', async () => {
      const proxy = await create('flappy')
      const p = await probe(proxy)
      expect(await p.ping()).to.be.a('number')
      const down = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream })
      expect(down.enabled).to.equal(false)
      expect(await p.ping(300), 'echo while disabled').to.equal(undefined)
      const up = await down.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream })
      expect(up.enabled).to.equal(true)
      expect(up.listen).to.equal(proxy.listen)
      expect(await p.ping(), 'no echo after up').to.be.a('number')
      await proxy.remove()
    })

    it('a downstream latency toxic adds its latency to the round trip (+-20 %)', async () => {
      const proxy = await create('slow')
      const p = await probe(proxy)
      const base = median(await rtts(p, 5))
      await proxy.addToxic({ name: 'lat', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 100, jitter: 0 } })
      const added = median(await rtts(p, 5)) - base
      expect(added).to.be.within(80, 120)
      await proxy.remove()
    })

    it('jitter spreads the added latency within latency +- jitter', async () => {
      const proxy = await create('jittery')
      const p = await probe(proxy)
      const base = median(await rtts(p, 5))
      await proxy.addToxic({ name: 'lat', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 100, jitter: 40 } })
      const added = (await rtts(p, 12)).map((r) => r - base)
      // 100 +- 40; nothing arrives early, late by up to 35 ms of scheduling on a shared 2-core machine
      for (const a of added) expect(a, `added latencies ${added.map((x) => x.toFixed(1)).join(', ')}`).to.be.within(58, 175)
      expect(Math.max(...added) - Math.min(...added), 'jitter had no visible spread').to.be.greaterThan(5)
      await proxy.remove()
    })

    it('lists, updates and removes toxics with toxiproxy field names', async () => {
      const proxy = await create('toxic')
      const p = await probe(proxy)
      const toxic = await proxy.addToxic({ name: 'lat', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 150, jitter: 0 } })
      expect(toxic.toJson()).to.deep.equal({ name: 'lat', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 150, jitter: 0 } })
      const listed = await raw('GET', '/proxies/toxic/toxics')
      expect(listed.status).to.equal(200)
      expect(listed.body).to.deep.equal([{ attributes: { latency: 150, jitter: 0 }, name: 'lat', type: 'latency', stream: 'upstream', toxicity: 1 }])
      expect((await raw('GET', '/proxies/toxic')).body).to.include({ name: 'toxic', listen: proxy.listen, upstream: echo.addr, enabled: true })
      const updated = await raw('POST', '/proxies/toxic/toxics/lat', { attributes: { latency: 20 } })
      expect(updated.status).to.equal(200)
      expect(updated.body).to.deep.include({ name: 'lat', attributes: { latency: 20, jitter: 0 } })
      expect((await proxy.getToxic('lat')).attributes).to.deep.equal({ latency: 20, jitter: 0 })
      const viaClient = await (await proxy.getToxic<{ latency: number, jitter: number }>('lat')).update({ name: 'lat', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 30, jitter: 2 } })
      expect(viaClient.attributes).to.deep.equal({ latency: 30, jitter: 2 })
      // the default name is <type>_<stream>, the default stream downstream
      const named = await raw('POST', '/proxies/toxic/toxics', { type: 'latency', attributes: { latency: 1 } })
      expect(named.body).to.deep.include({ name: 'latency_downstream', stream: 'downstream', toxicity: 1 })
      await toxic.remove()
      expect((await raw('DELETE', '/proxies/toxic/toxics/latency_downstream')).status).to.equal(204)
      expect((await raw('GET', '/proxies/toxic/toxics')).body).to.deep.equal([])
      expect(median(await rtts(p, 3)), 'latency still applied after removal').to.be.below(15)
      await proxy.remove()
    })

    it('POST /reset enables every proxy and removes every toxic', async () => {
      const a = await create('a')
      const b = await create('b')
      await a.update({ enabled: false, listen: a.listen, upstream: a.upstream })
      await b.addToxic({ name: 'lat', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 500, jitter: 0 } })
      await engine.client.reset()
      const all = (await raw('GET', '/proxies')).body as Record<string, { enabled: boolean, toxics: unknown[] }>
      expect(all.a).to.include({ enabled: true })
      expect(all.b?.toxics).to.deep.equal([])
      expect(await (await probe(a)).ping(), 'a after reset').to.be.a('number')
      expect(await (await probe(b)).ping(300), 'b after reset').to.be.a('number')
      await a.remove()
      await b.remove()
    })

    it('populate creates proxies and keeps an unchanged one', async () => {
      const first = await engine.client.populate([{ name: 'p1', listen: '127.0.0.1:0', upstream: echo.addr }])
      const listen = first.p1?.listen
      expect(listen).to.match(/^127\.0\.0\.1:[1-9]\d*$/)
      const again = await raw('POST', '/populate', [{ name: 'p1', listen, upstream: echo.addr }, { name: 'p2', listen: '127.0.0.1:0', upstream: echo.addr }])
      expect(again.status).to.equal(201)
      const proxies = (again.body as { proxies: Array<{ name: string, listen: string }> }).proxies
      expect(proxies.map((x) => x.name)).to.deep.equal(['p1', 'p2'])
      expect(proxies[0]?.listen).to.equal(listen)
      await (await engine.client.get('p1')).remove()
      await (await engine.client.get('p2')).remove()
    })

    describe('API errors, as toxiproxy answers them', () => {
      it('unknown proxy: 404 {"error": "proxy not found", "status": 404}', async () => {
        for (const [method, path] of [['GET', '/proxies/nope'], ['DELETE', '/proxies/nope'], ['GET', '/proxies/nope/toxics'], ['POST', '/proxies/nope/toxics']] as const) {
          const answer = await raw(method, path, method === 'POST' ? { type: 'latency' } : undefined)
          expect(answer, `${method} ${path}`).to.deep.equal({ status: 404, body: { error: 'proxy not found', status: 404 } })
        }
        const err = await engine.client.get('nope').then(() => undefined, (e: unknown) => e)
        expect(err).to.be.instanceOf(ToxiproxyError)
        expect((err as Error).message).to.include('404')
      })

      it('duplicate proxy name: 409 {"error": "proxy already exists"}', async () => {
        const proxy = await create('dup')
        const answer = await raw('POST', '/proxies', { name: 'dup', listen: '127.0.0.1:0', upstream: echo.addr })
        expect(answer).to.deep.equal({ status: 409, body: { error: 'proxy already exists', status: 409 } })
        const err = await create('dup').then(() => undefined, (e: unknown) => e)
        expect((err as Error).message).to.include('409')
        await proxy.remove()
      })

      it('listen port in use: 500 "listen <tcp|udp> <addr>: bind: address already in use"', async () => {
        const proxy = await create('holder')
        const answer = await raw('POST', '/proxies', { name: 'taker', listen: proxy.listen, upstream: echo.addr })
        expect(answer).to.deep.equal({ status: 500, body: { error: `listen ${e.transport} ${proxy.listen}: bind: address already in use`, status: 500 } })
        expect(await engine.proxyNames()).to.deep.equal(['holder'])
        await proxy.remove()
      })

      it('bad bodies: missing fields, unknown toxic type, bad attributes, bad stream', async () => {
        expect(await raw('POST', '/proxies', { upstream: echo.addr })).to.deep.equal({ status: 400, body: { error: 'missing required field: name', status: 400 } })
        expect(await raw('POST', '/proxies', { name: 'x' })).to.deep.equal({ status: 400, body: { error: 'missing required field: upstream', status: 400 } })
        const garbage = await raw('POST', '/proxies', 'garbage')
        expect(garbage.status).to.equal(400)
        expect((garbage.body as { error: string }).error).to.match(/^bad request body: /)
        const proxy = await create('t')
        expect(await raw('POST', '/proxies/t/toxics', { type: 'nope' })).to.deep.equal({ status: 400, body: { error: 'invalid toxic type', status: 400 } })
        const badAttr = await raw('POST', '/proxies/t/toxics', { type: 'latency', attributes: { latency: 'x' } })
        expect(badAttr.status).to.equal(400)
        expect(badAttr.body).to.include({ status: 400 })
        expect((badAttr.body as { error: string }).error).to.match(/^bad request body: .*latency/)
        expect(await raw('POST', '/proxies/t/toxics', { type: 'latency', stream: 'sideways' }))
          .to.deep.equal({ status: 400, body: { error: 'stream was invalid, can be either upstream or downstream', status: 400 } })
        const err = await proxy.addToxic({ name: 'z', type: 'nope' as ToxicType, stream: 'upstream', toxicity: 1, attributes: {} }).then(() => undefined, (x: unknown) => x)
        expect((err as Error).message).to.include('400')
        expect(await engine.proxyNames()).to.deep.equal(['t'])
        await proxy.remove()
      })

      it('toxics: 409 when the name exists, 404 when it does not', async () => {
        const proxy = await create('tx')
        await proxy.addToxic({ name: 'lat', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 1, jitter: 0 } })
        expect(await raw('POST', '/proxies/tx/toxics', { name: 'lat', type: 'latency' })).to.deep.equal({ status: 409, body: { error: 'toxic already exists', status: 409 } })
        for (const [method, body] of [['GET', undefined], ['DELETE', undefined], ['POST', { attributes: {} }]] as const) {
          expect(await raw(method, '/proxies/tx/toxics/nope', body), method).to.deep.equal({ status: 404, body: { error: 'toxic not found', status: 404 } })
        }
        await proxy.remove()
      })
    })
  })
}
