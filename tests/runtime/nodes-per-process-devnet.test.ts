/**
 * Several TS nodes per process, for real (process runtime, `nodesPerProcess: 2`): the shipped
 * restart-node fixture (4 nodes, a `restart` of one of them) passes with its four nodes in two
 * processes, the restarted node comes back in one of them, and nothing is left running after.
 * And a hosted node's bad config ends that node alone with the contract's exit code 2.
 */
import { expect } from 'chai'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runScenario } from '../../harness/runner/run-scenario.ts'
import { loadScenario } from '../../harness/scenario/load-scenario.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'
import { NodeHost } from '../../harness/runtime/node-host.ts'
import { ts } from '../../harness/impls/ts.ts'

interface ReadyLine { kind: string, type?: string, node?: string, pid?: number }

function alive (pid: number): boolean {
  try { process.kill(pid, 0); return true } catch { return false }
}

describe('several TS nodes per process (real devnet)', function () {
  this.timeout(120_000)
  let out: string
  before(async () => { out = await mkdtemp(join(tmpdir(), 'meshflap-per-process-')) })

  it('restart-node passes with 4 nodes in 2 processes; the restart stays in them; nothing left after', async () => {
    const scenario = await loadScenario(join(PROJECT_ROOT, 'fixtures', 'scenarios', 'restart-node.yaml'))
    const r = await runScenario(scenario, { nodesPerProcess: 2, outDir: out })
    expect(r.status, r.verdicts.map(v => `${v.title}: ${v.summary}`).join('\n')).to.equal('pass')
    expect(r.reproduce).to.include('--nodes-per-process 2')
    const history = (await readFile(join(r.dir, 'history.ndjson'), 'utf8')).trim().split('\n').map(l => JSON.parse(l) as ReadyLine)
    const readies = history.filter(e => e.kind === 'node' && e.type === 'ready')
    const firstStarts = readies.slice(0, 4)
    expect(firstStarts.map(e => e.node).sort()).to.deep.equal(['A', 'B', 'C', 'D'])
    const pids = [...new Set(firstStarts.map(e => e.pid!))]
    expect(pids, 'four nodes, two per process').to.have.length(2)
    expect(readies.length, 'the restarted node reported ready again').to.equal(5)
    expect(pids).to.include(readies[4]!.pid)
    for (const pid of pids) expect(alive(pid), `process ${pid} is gone after the run`).to.equal(false)
    const results = JSON.parse(await readFile(join(r.dir, 'results.json'), 'utf8')) as { versions: Record<string, string> }
    expect(results.versions.nodesPerProcess).to.equal('2')
  })

  it('matrix, gate and power run a scenario that kills a node with one process per node, and say so', async () => {
    const scenario = await loadScenario(join(PROJECT_ROOT, 'fixtures', 'scenarios', 'kill-node.yaml'))
    const notes: string[] = []
    const r = await runScenario(scenario, { nodesPerProcess: 2, hostAloneWhenSignalled: true, outDir: out, onNote: n => notes.push(n) })
    expect(notes.join('\n')).to.match(/kill-node: one process per node \(its kill\/pause faults signal a node's process/)
    expect(r.reproduce, 'reproduces what ran').not.to.include('--nodes-per-process')
    const history = (await readFile(join(r.dir, 'history.ndjson'), 'utf8')).trim().split('\n').map(l => JSON.parse(l) as ReadyLine)
    const firstStarts = history.filter(e => e.kind === 'node' && e.type === 'ready').slice(0, scenario.nodes.length)
    expect(new Set(firstStarts.map(e => e.pid)).size, 'a process per node').to.equal(scenario.nodes.length)
  })

  it('a hosted node with a bad config ends alone with exit code 2; its neighbour process goes on', async () => {
    const host = new NodeHost(ts.processHostCommand!(), 2)
    try {
      const bad = join(out, 'bad.config.json')
      await writeFile(bad, JSON.stringify({ name: 'X', unknownField: true }))
      const error = await host.startNode({ name: 'X', configPath: bad, logPath: join(out, 'X.log'), readyTimeoutMs: 30_000 }).then(() => undefined, (err: unknown) => err as Error)
      expect(error?.message).to.match(/node X exited before ready \(code 2, signal null\)/)
      expect(error?.message).to.include('unknown field')
      expect(host.free, 'its slot is free again, the process alive').to.equal(2)
      expect(alive(host.pid!)).to.equal(true)
    } finally {
      await host.stop()
    }
    expect(alive(host.pid!)).to.equal(false)
  })
})
