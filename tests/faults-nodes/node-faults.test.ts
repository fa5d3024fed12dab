// suite: serial — uses the one Docker engine (containers, images and networks found by label)
/**
 * Node faults on real TS nodes, on both runtimes: pause freezes a node
 * (SIGSTOP / docker pause) without the hang watchdog calling it hung, resume
 * brings it back and its peers reconnect; kill ends it with SIGKILL as the
 * run's own doing (an expected exit, not a node failure); restart stops it and
 * starts it again with the same peer id, listen ports and config, and it rejoins.
 * Every one is recorded on each leg of the node.
 */
import { expect } from 'chai'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Devnet } from '../../harness/devnet/devnet.ts'
import type { FaultEntry, NodeExit } from '../../harness/history/types.ts'
import type { RuntimeName } from '../../harness/runtime/runtime.ts'
import { HangWatchdog } from '../../harness/runner/hang-watchdog.ts'
import type { Scenario } from '../../harness/scenario/types.ts'
import { pairScenario } from '../support/pair-scenario.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { waitFor } from '../support/wait-for.ts'
import { dockerOrSkip, leftovers } from '../docker/support/docker-gate.ts'
import { loadScenario } from '../../harness/scenario/load-scenario.ts'
import { runScenario } from '../../harness/runner/run-scenario.ts'
import { readHistory } from '../../harness/report/read-history.ts'
import type { RunStart } from '../../harness/history/types.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'

/** A, B, C over QUIC, every ordered pair its own leg. */
function trio (): Scenario {
  const s = pairScenario('quic', { idleMs: 1000, slotMs: 500, name: 'node-faults' })
  s.nodes.push({ name: 'C', index: 2, impl: 'ts', gossipPolicy: 'leg-aware', validators: [], aggregator: false })
  s.legs.push(
    { name: 'A>C', dialer: 'A', listener: 'C', transport: 'quic' }, { name: 'C>A', dialer: 'C', listener: 'A', transport: 'quic' },
    { name: 'B>C', dialer: 'B', listener: 'C', transport: 'quic' }, { name: 'C>B', dialer: 'C', listener: 'B', transport: 'quic' }
  )
  s.quic.keepAliveIntervalMs = 250
  return s
}

const C_LEGS = ['A>C', 'B>C', 'C>A', 'C>B']

for (const runtime of ['process', 'docker'] as RuntimeName[]) {
  describe(`node faults on real nodes (${runtime} runtime)`, function () {
    this.timeout(runtime === 'docker' ? 15 * 60_000 : 180_000)
    before(async function () { if (runtime === 'docker') await dockerOrSkip(this) })

    it('pause: C answers nothing and is not called hung; A and B are asked as usual; resume: C answers and its legs come back', async () => {
      const devnet = await Devnet.start(trio(), { runtime, dir: await mkdtemp(join(tmpdir(), 'meshflap-nodefault-')) })
      const hung: string[] = []
      const failed: string[] = []
      devnet.onNodeFailed(n => { failed.push(n) })
      const watchdog = new HangWatchdog(devnet, { everyMs: 250, strikes: 2, onHung: n => { hung.push(n) } })
      try {
        watchdog.start()
        await devnet.nodeFaults.apply('C', 'pause', { fault: 'test-pause', selector: 'node: C' })
        expect(devnet.nodeFaults.stateOf('C')).to.equal('paused')
        const frozen = await devnet.node('C').client.status(500).then(() => 'answered', () => 'silent')
        expect(frozen, 'a paused node answers its control API').to.equal('silent')
        // longer than the idle timeout: A and B see their legs to C die
        await sleep(2500)
        const statuses = await devnet.statuses()
        expect(Object.keys(statuses).sort()).to.deep.equal(['A', 'B'])
        expect(hung, 'watchdog called a paused node hung').to.deep.equal([])
        await devnet.nodeFaults.apply('C', 'resume', { fault: 'test-pause', selector: 'node: C' })
        await devnet.node('C').client.status(2000)
        // C's peers redial it (and it them): both of its pairs hold a leg again
        await waitFor(async () => {
          const s = await devnet.node('C').client.status(1000)
          const peers = new Set(s.legs.map(l => l.peer))
          return peers.has(devnet.node('A').running.peerId) && peers.has(devnet.node('B').running.peerId)
        }, 15_000, 'C is connected to A and B again')
        expect(hung).to.deep.equal([])
        expect(failed).to.deep.equal([])
        const faults = devnet.history().filter((e): e is FaultEntry => e.kind === 'fault')
        expect(faults.filter(f => f.action === 'pause').map(f => f.leg).sort()).to.deep.equal(C_LEGS)
        expect(faults.filter(f => f.action === 'resume').map(f => [f.leg, f.phase, f.node, f.params?.graceMs])).to.have.deep.members(C_LEGS.map(l => [l, 'heal', 'C', 500]))
      } finally {
        watchdog.stop()
        await devnet.stop()
      }
    })

    it('kill: C ends by SIGKILL as an expected exit (no node failure); A and B keep answering', async () => {
      const devnet = await Devnet.start(trio(), { runtime, dir: await mkdtemp(join(tmpdir(), 'meshflap-nodefault-')) })
      const failed: string[] = []
      devnet.onNodeFailed(n => { failed.push(n) })
      try {
        await devnet.nodeFaults.apply('C', 'kill', { fault: 'test-kill', selector: 'node: C' })
        await waitFor(() => devnet.history().some(e => e.kind === 'node_exit' && e.node === 'C'), 10_000, 'C exited')
        const exit = devnet.history().find((e): e is NodeExit => e.kind === 'node_exit' && e.node === 'C')!
        expect({ expected: exit.expected, signal: exit.signal }).to.deep.equal({ expected: true, signal: 'SIGKILL' })
        expect(failed).to.deep.equal([])
        expect(Object.keys(await devnet.statuses()).sort()).to.deep.equal(['A', 'B'])
        const kills = devnet.history().filter((e): e is FaultEntry => e.kind === 'fault' && e.action === 'kill')
        expect(kills.map(f => f.leg).sort()).to.deep.equal(C_LEGS)
        expect(kills.every(f => f.ts <= exit.ts)).to.equal(true)
        let again: unknown
        await devnet.nodeFaults.apply('C', 'pause', { fault: 'after-kill' }).catch((err: unknown) => { again = err })
        expect(String(again)).to.include('was killed')
      } finally {
        await devnet.stop()
      }
    })

    it('restart: C is stopped (an expected exit, not hung, not failed), comes back with the same peer id and listen ports, and rejoins A and B', async () => {
      const devnet = await Devnet.start(trio(), { runtime, dir: await mkdtemp(join(tmpdir(), 'meshflap-nodefault-')) })
      const hung: string[] = []
      const failed: string[] = []
      devnet.onNodeFailed(n => { failed.push(n) })
      const watchdog = new HangWatchdog(devnet, { everyMs: 250, strikes: 2, onHung: n => { hung.push(n) } })
      try {
        const before = devnet.node('C').running
        const portsOf = (listen: string[]): string[] => listen.map(a => a.replace(/^\/ip4\/[^/]+/, '')).sort()
        watchdog.start()
        const restarting = devnet.nodeFaults.apply('C', { kind: 'restart', afterMs: 1500 }, { fault: 'test-restart', selector: 'node: C' })
        await waitFor(() => devnet.nodeFaults.stateOf('C') === 'restarting', 5000, 'C is restarting')
        await waitFor(() => devnet.history().some(e => e.kind === 'node_exit' && e.node === 'C'), 15_000, 'the first C exited')
        // down longer than a watchdog strike: it must not be asked, nor called hung
        expect(Object.keys(await devnet.statuses()).sort()).to.deep.equal(['A', 'B'])
        await restarting
        expect(devnet.nodeFaults.stateOf('C')).to.equal(undefined)
        const after = devnet.node('C').running
        expect(after, 'a new process/container').to.not.equal(before)
        expect(after.peerId).to.equal(before.peerId)
        expect(portsOf(after.listen), 'same listen ports').to.deep.equal(portsOf(before.listen))
        if (runtime === 'process') expect(after.controlUrl, 'same control port').to.equal(before.controlUrl)
        const exit = devnet.history().find((e): e is NodeExit => e.kind === 'node_exit' && e.node === 'C')!
        expect(exit.expected, 'the stop is the run\'s own doing').to.equal(true)
        // C holds both legs and a gossip stream each way with A and with B again
        await waitFor(async () => {
          const s = await devnet.node('C').client.status(1000)
          return ['A', 'B'].every(peer => {
            const legs = s.legs.filter(l => l.peer === devnet.node(peer).running.peerId)
            const gossip = legs.flatMap(l => l.streams.map(st => st.gossip))
            return legs.some(l => l.direction === 'outbound') && legs.some(l => l.direction === 'inbound') && gossip.includes('outbound') && gossip.includes('inbound')
          })
        }, 20_000, 'C is back on both legs to A and B with gossip streams both ways')
        expect(hung, 'watchdog called a restarting node hung').to.deep.equal([])
        expect(failed).to.deep.equal([])
        const faults = devnet.history().filter((e): e is FaultEntry => e.kind === 'fault' && e.action === 'restart')
        expect(faults.filter(f => f.phase === 'apply').map(f => [f.leg, f.node, f.params?.afterMs])).to.have.deep.members(C_LEGS.map(l => [l, 'C', 1500]))
        expect(faults.filter(f => f.phase === 'heal').map(f => [f.leg, f.node, f.params?.graceMs])).to.have.deep.members(C_LEGS.map(l => [l, 'C', 500]))
        const applied = Math.max(...faults.filter(f => f.phase === 'apply').map(f => f.ts))
        expect(applied, 'recorded before the stop').to.be.at.most(exit.ts)
        // a restart of a node the run killed is refused
        await devnet.nodeFaults.apply('C', 'kill', { fault: 'kill-then-restart' })
        let again: unknown
        await devnet.nodeFaults.apply('C', { kind: 'restart', afterMs: 0 }, { fault: 'after-kill' }).catch((err: unknown) => { again = err })
        expect(String(again)).to.include('was killed')
      } finally {
        watchdog.stop()
        await devnet.stop()
      }
    })

    it('fixture restart-node: bearing-node-of restarts the node that dialed the leg holding A\'s stream to B, and the run passes', async function () {
      const scenario = await loadScenario(join(PROJECT_ROOT, 'fixtures', 'scenarios', 'restart-node.yaml'))
      const r = await runScenario(scenario, { runtime, outDir: await mkdtemp(join(tmpdir(), 'meshflap-restart-fixture-')) })
      const history = await readHistory(join(r.dir, 'history.ndjson'))
      const applied = history.filter((e): e is FaultEntry => e.kind === 'fault' && e.action === 'restart' && e.phase === 'apply')
      const node = applied[0]?.node
      expect(node, 'the restart was applied').to.be.oneOf(['A', 'B'])
      const other = node === 'A' ? 'B' : 'A'
      // decided from live status: the restarted node's own leg to the pair partner carried A's stream to B
      expect(applied.find(f => f.leg === `${node}>${other}`)?.hit, 'the bearing leg, dialed by the restarted node').to.include('A->B')
      expect(applied.every(f => f.node === node && f.mustHit === true)).to.equal(true)
      expect(history.some(e => e.kind === 'fault' && e.action === 'restart' && e.phase === 'heal'), 'back up').to.equal(true)
      expect(history.filter(e => e.kind === 'fault_failed')).to.deep.equal([])
      expect(r.status, r.verdicts.filter(v => v.status !== 'pass').map(v => `${v.title}: ${v.summary}`).join('\n')).to.equal('pass')
      if (runtime === 'docker') {
        const start = history.find((e): e is RunStart => e.kind === 'run_start')!
        expect(await leftovers(await dockerOrSkip(this), start.runId), 'the restarted container too is gone').to.deep.equal({ containers: [], networks: [] })
      }
    })
  })
}
