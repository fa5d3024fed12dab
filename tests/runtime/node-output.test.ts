/**
 * The node-output reader and the readiness helper both runtimes share
 * (harness/runtime/node-output.ts, readiness.ts): lines in, contract events and
 * a tail out; a wait that settles once and leaves no listener behind.
 */
import { expect } from 'chai'
import { getEventListeners } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { NodeOutput } from '../../harness/runtime/node-output.ts'
import { waitForHttp, waitForReady } from '../../harness/runtime/readiness.ts'
import type { NodeExitInfo } from '../../harness/runtime/runtime.ts'

const READY = JSON.stringify({ seq: 1, ts: 1, type: 'ready', name: 'A', peerId: 'p', impl: 'ts', gossipPolicy: 'leg-aware', listen: ['/ip4/127.0.0.1/tcp/1'], control: 'http://127.0.0.1:1', pid: 1 })
const never = new Promise<NodeExitInfo>(() => {})

function ready (output: NodeOutput, opts: { timeoutMs?: number, signal?: AbortSignal, exited?: Promise<NodeExitInfo> } = {}): Promise<unknown> {
  return waitForReady({ node: 'A', output, exited: opts.exited ?? never, timeoutMs: opts.timeoutMs ?? 2000, signal: opts.signal, error: why => new Error(why) })
}

describe('runtime: node output and readiness', () => {
  it('turns contract lines into events, keeps the rest in the tail and the log', () => {
    const logged: string[] = []
    const out = new NodeOutput({ node: 'A', writeLine: l => logged.push(l), writeNote: l => logged.push(`note ${l}`) })
    out.stdout(READY)
    out.stdout('a stray print')
    out.stdout('{"seq":2,"ts":1,"type":"leg_open","leg":"c1"}')
    out.stderr('warn: something')
    out.stdout(JSON.stringify({ seq: 3, ts: 1, type: 'error', message: 'dial failed' }))
    const seen: string[] = []
    out.onEvent(e => seen.push(e.type))
    expect(seen, 'earlier events are replayed').to.deep.equal(['ready', 'error'])
    expect(out.lastLines(10)).to.deep.equal([
      'a stray print',
      '[meshflap] node A, stdout line 3: leg_open: field peer is missing; field direction is missing; field transport is missing; field remote is missing',
      'warn: something',
      '[event] dial failed'
    ])
    expect(logged).to.include('note [meshflap] node A, stdout line 3: leg_open: field peer is missing; field direction is missing; field transport is missing; field remote is missing')
    expect(logged.filter(l => !l.startsWith('note '))).to.have.length(5)
  })

  it('resolves on a ready event, also one read before the wait began, and leaves no listener', async () => {
    const out = new NodeOutput({ node: 'A' })
    const controller = new AbortController()
    const pending = ready(out, { signal: controller.signal })
    out.stdout(READY)
    expect(await pending).to.include({ type: 'ready', peerId: 'p' })
    expect(getEventListeners(controller.signal, 'abort'), 'abort listener removed').to.have.length(0)
    expect(await ready(out, { signal: controller.signal }), 'replayed ready').to.include({ type: 'ready' })
    expect(getEventListeners(controller.signal, 'abort')).to.have.length(0)
  })

  it('fails at once on a ready line that breaks the contract, naming node and line', async () => {
    const out = new NodeOutput({ node: 'A' })
    const pending = ready(out, { timeoutMs: 10_000 })
    out.stdout('{"seq":1,"ts":1,"type":"ready","name":"A"}')
    const err = await pending.then(() => undefined, (e: unknown) => e as Error)
    expect(err?.message).to.match(/^node A reported a ready event that breaks the contract: node A, stdout line 1: ready: field peerId is missing/)
  })

  it('fails on timeout, abort and exit, once, with the last lines', async () => {
    const out = new NodeOutput({ node: 'A' })
    out.stderr('listen EADDRINUSE')
    const timedOut = await ready(out, { timeoutMs: 30 }).catch((e: Error) => e.message)
    expect(timedOut).to.equal('node A did not report ready within 30 ms\n  | listen EADDRINUSE')
    const controller = new AbortController()
    const aborted = ready(out, { signal: controller.signal }).catch((e: Error) => e.message)
    controller.abort()
    expect(await aborted).to.match(/^node A start aborted/)
    expect(getEventListeners(controller.signal, 'abort')).to.have.length(0)
    expect(await ready(out, { signal: AbortSignal.abort() }).catch((e: Error) => e.message), 'already aborted').to.match(/^node A start aborted/)
    const exited = await ready(out, { exited: Promise.resolve({ code: 2, signal: null, expected: false }) }).catch((e: Error) => e.message)
    expect(exited).to.match(/^node A exited before ready \(code 2, signal null\)/)
  })

  it('waits for an HTTP endpoint to answer 2xx, and gives up with the last failure', async () => {
    let calls = 0
    const server = createServer((_req, res) => { res.statusCode = ++calls < 3 ? 503 : 200; res.end() })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/version`
      await waitForHttp(url, { timeoutMs: 2000, intervalMs: 5, error: last => new Error(last) })
      expect(calls).to.equal(3)
      calls = -1000
      const err = await waitForHttp(url, { timeoutMs: 100, intervalMs: 5, error: last => new Error(`gave up: ${last}`) }).catch((e: Error) => e.message)
      expect(err).to.equal('gave up: HTTP 503')
    } finally {
      await new Promise(resolve => server.close(resolve))
    }
  })
})
