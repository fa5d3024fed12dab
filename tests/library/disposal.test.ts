/**
 * `await using devnet = await Devnet.start(...)`: a test that throws mid-way,
 * or a devnet that fails to start, leaves no process, proxy or socket behind.
 * Mixed transport, so both fault engines are in play: toxiproxy-server (a
 * child process, TCP leg) and the in-process UDP proxy (QUIC leg).
 */
import { expect } from 'chai'
import { execFileSync } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { mkdtemp, readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bearingOf, Devnet, parseScenario, readHistory } from 'meshflap'
import type { RunStart, Scenario } from 'meshflap'
import { theirNode, withTheirNode } from '../../fixtures/examples/their-node.ts'
import { waitFor } from '../support/wait-for.ts'
import { processesMentioning } from './example-suite.ts'

const SCENARIO = `
name: disposal
description: two nodes, one QUIC and one TCP leg, for the disposal tests
seed: 5
nodes:
  - { name: A, impl: external, command: [placeholder] }
  - { name: B, aggregator: true }
transport: mixed
slotMs: 500
slots: 20
genesisDelayMs: 300
quic: { maxIdleTimeoutMs: 600, keepAliveIntervalMs: 150 }
expectations: [streams-survive]
`

/** Handle kinds that mean a process, a socket or a server (timers come and go with mocha). */
const HANDLE_KINDS = ['ProcessWrap', 'PipeWrap', 'TCPSocketWrap', 'TCPServerWrap', 'UDPWrap']

/** This process's children (but not the `ps` asking). */
function childPids (): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
  return out.split('\n').map(l => l.trim().split(/\s+/)).filter(([pid, comm]) => Number(pid) > 0 && comm !== 'ps').map(([pid]) => Number(pid))
}

function describePids (pids: number[]): string[] {
  if (pids.length === 0) return []
  return execFileSync('ps', ['-o', 'pid=,args=', '-p', pids.join(',')], { encoding: 'utf8' }).split('\n').filter(l => l.trim() !== '').map(l => l.trim().slice(0, 160))
}

/** Open handles by kind (process.getActiveResourcesInfo), only the kinds above. */
function handles (): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const kind of process.getActiveResourcesInfo()) if (HANDLE_KINDS.includes(kind)) counts[kind] = (counts[kind] ?? 0) + 1
  return counts
}

/**
 * Nothing of the devnet is left: no child process, and the process/pipe/socket/server handles are
 * back to `before` (sockets close a tick after their owner stops, so this waits for it).
 */
async function expectNoChildrenOrHandles (pidsBefore: number[], handlesBefore: Record<string, number>): Promise<void> {
  const children = (): number[] => childPids().filter(p => !pidsBefore.includes(p))
  await waitFor(() => children().length === 0, 3000, () => `no child process is left (left: ${JSON.stringify(describePids(children()))})`)
  await waitFor(() => JSON.stringify(handles()) === JSON.stringify(handlesBefore), 3000,
    () => `the open process/pipe/socket/server handles are back to ${JSON.stringify(handlesBefore)} (now ${JSON.stringify(handles())})`)
}

/** "/ip4/127.0.0.1/udp/41234/quic-v1" -> { proto: 'udp', port: 41234 } */
function portOf (multiaddr: string): { proto: 'udp' | 'tcp', port: number } {
  const m = /\/ip4\/127\.0\.0\.1\/(udp|tcp)\/(\d+)/.exec(multiaddr)
  if (m == null) throw new Error(`not a loopback address: ${multiaddr}`)
  return { proto: m[1] as 'udp' | 'tcp', port: Number(m[2]) }
}

/** Whether this process can bind the port now (nothing else holds it). */
async function canBind (proto: 'udp' | 'tcp', port: number): Promise<boolean> {
  return await new Promise(resolve => {
    if (proto === 'udp') {
      const s = createSocket('udp4')
      s.once('error', () => { s.close(); resolve(false) })
      s.bind(port, '127.0.0.1', () => { s.close(() => { resolve(true) }) })
    } else {
      const s = createServer()
      s.once('error', () => { resolve(false) })
      s.listen(port, '127.0.0.1', () => { s.close(() => { resolve(true) }) })
    }
  })
}

describe('library: disposal', function () {
  this.timeout(60_000)
  let scenario: Scenario

  before(() => {
    scenario = withTheirNode(parseScenario(SCENARIO, 'disposal.yaml'), 'A', theirNode({}))
  })

  it('a test that throws inside `await using` with a fault in force leaves no process, proxy or socket', async () => {
    const pidsBefore = childPids()
    const handlesBefore = handles()
    const dir = await mkdtemp(join(tmpdir(), 'meshflap-disposal-'))
    const boom = new Error('the test failed mid-way')
    let start: RunStart | undefined
    let started: number[] = []
    try {
      await using devnet = await Devnet.start(scenario, { dir })
      start = devnet.history().find((e): e is RunStart => e.kind === 'run_start')
      started = childPids().filter(p => !pidsBefore.includes(p))
      await devnet.fault(bearingOf('A'), 'down', { label: 'in force when the test throws' })
      throw boom
    } catch (err) {
      expect(err, 'the test\'s own error, not one from disposal').to.equal(boom)
    }

    expect(started.length, 'node A, node B and toxiproxy-server ran as children of this process').to.equal(3)
    await expectNoChildrenOrHandles(pidsBefore, handlesBefore)
    expect(processesMentioning(dir), 'processes mentioning the run directory').to.deep.equal([])

    expect(start?.legs.map(l => `${l.name} ${l.transport}`), 'the legs the devnet had').to.deep.equal(['A>B quic', 'B>A tcp'])
    for (const leg of start!.legs) {
      for (const addr of [leg.proxyAddr, leg.upstreamAddr]) {
        const { proto, port } = portOf(addr)
        expect(await canBind(proto, port), `${leg.name}: ${addr} is free again`).to.equal(true)
      }
    }
    const history = await readHistory(join(dir, 'history.ndjson'))
    expect(history.at(-1), 'the history was closed with run_end').to.include({ kind: 'run_end', reason: 'completed' })
    expect(history.some(e => e.kind === 'fault' && e.fault === 'in force when the test throws'), 'the fault was applied').to.equal(true)
  })

  it('a devnet whose node dies during start-up throws and leaves nothing behind', async () => {
    const pidsBefore = childPids()
    const handlesBefore = handles()
    const dir = await mkdtemp(join(tmpdir(), 'meshflap-disposal-'))
    // "their" node exits at once, while B and both fault engines are still starting
    const broken = withTheirNode(scenario, 'A', { command: [process.execPath, '-e', 'process.stderr.write("no such node\\n"); process.exit(3)'] })
    let error: unknown
    try {
      await using devnet = await Devnet.start(broken, { dir })
      expect.fail(`started although A exits at once (${devnet.runId})`)
    } catch (err) {
      error = err
    }
    expect((error as Error).message).to.match(/node A exited before ready \(code 3, signal null\)\n {2}\| no such node/)

    await expectNoChildrenOrHandles(pidsBefore, handlesBefore)
    expect(processesMentioning(dir), 'processes mentioning the run directory').to.deep.equal([])
    // no run_start (it never started), so read the lines as they are
    const lines = (await readFile(join(dir, 'history.ndjson'), 'utf8')).trim().split('\n')
    expect(JSON.parse(lines.at(-1)!)).to.include({ kind: 'run_end', reason: 'setup-failed' })
  })
})
