// suite: serial — measures how late the machine schedules a process; a neighbour test would be the load
/**
 * The environment judgement on real devnets (process runtime, 4 TS nodes over TCP, no faults):
 * the nodes are really not scheduled (SIGSTOP .. SIGCONT across slot 3's publish and deadline).
 *
 *   all four nodes stopped -> every direction late at once in slot 3: the delivery-gap and
 *     coverage findings are unknown (environment: nodes A, B, C, D stalled ...), not fail;
 *     the same history without the lateness windows fails (the control);
 *   node A alone stopped   -> only A's directions late, most others flowed: fail.
 *   `meshflap run` stopped whole (harness, nodes, proxies) -> unknown (environment), run once more,
 *     the rerun counts; --no-environment-rerun keeps the stalled run (the control).
 *
 * TCP, because a QUIC leg whose both ends stop for longer than its idle timeout is closed
 * on resume, which is a later, different finding.
 */
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Devnet } from '../../harness/devnet/devnet.ts'
import type { History } from '../../harness/history/types.ts'
import { judge } from '../../harness/oracles/judge.ts'
import { environmentUnknown } from '../../harness/oracles/environment-excuse.ts'
import { loadScenario } from '../../harness/scenario/load-scenario.ts'
import type { Scenario } from '../../harness/scenario/types.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'

/** The schedule of the stall is wall-clock time on the slot clock (the stall is the point, not a wait for an event). */
const until = async (ts: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, Math.max(0, ts - Date.now()))) }

/** Runs the devnet, stops `stalled` nodes from 2.5 s to 4.3 s after genesis (slot 3's publish and deadline inside), returns the history. */
async function stalledRun (scenario: Scenario, stalled: readonly string[]): Promise<History> {
  await using devnet = await Devnet.start(scenario)
  const pids = stalled.map(name => {
    const ready = devnet.history().find(e => e.kind === 'node' && e.node === name && e.type === 'ready')
    return ready?.kind === 'node' && ready.type === 'ready' ? ready.pid : NaN
  })
  expect(pids.every(p => Number.isInteger(p) && p > 0), 'ready events carry pids').to.equal(true)
  await until(devnet.slotStart(0) + 2500)
  try {
    for (const pid of pids) process.kill(pid, 'SIGSTOP')
    await until(devnet.slotStart(0) + 4300)
  } finally {
    for (const pid of pids) process.kill(pid, 'SIGCONT')
  }
  await until(devnet.slotStart(scenario.slots) + 500)
  await devnet.stop()
  return devnet.history()
}

describe('environment judgement on real stalls', function () {
  this.timeout(120_000)
  let scenario: Scenario

  before(async () => {
    const base = await loadScenario(join(PROJECT_ROOT, 'fixtures', 'scenarios', 'pr278-non-bearing-leg-flap-tcp.yaml'))
    // no faults: streams-survive would have nothing to judge
    scenario = { ...base, name: 'environment-stall', faults: [], slots: 6, expectations: base.expectations.filter(e => e.kind !== 'streams-survive') }
  })

  it('every node stopped across slot 3: unknown (environment), never fail; without the probes the same history fails', async () => {
    const history = await stalledRun(scenario, ['A', 'B', 'C', 'D'])
    const verdicts = judge(history, scenario.expectations)
    const control = judge(history.filter(e => !(e.kind === 'node' && e.type === 'sched') && e.kind !== 'harness_sched'), scenario.expectations)
    expect(control.map(v => v.status), 'the stall is visible to the oracles').to.include('fail')
    expect(verdicts.map(v => v.status), verdicts.map(v => `${v.title}: ${v.summary}`).join('\n')).to.not.include('fail')
    expect(environmentUnknown(verdicts)).to.equal(true)
    const excused = verdicts.filter(v => v.environment !== undefined)
    expect(excused.map(v => v.expectation)).to.include.members(['delivery-gap', 'coverage'])
    expect(excused[0]?.environment?.what).to.match(/^nodes A, B, C, D stalled up to (1[5-9]\d\d|2\d\d\d) ms at \+2\.\d{3}s \(slot 2\)/)
  })

  it('node A alone stopped across slot 3 while the others flowed: fail', async () => {
    const history = await stalledRun(scenario, ['A'])
    const verdicts = judge(history, scenario.expectations)
    const gap = verdicts.find(v => v.expectation === 'delivery-gap')
    expect(gap?.status, gap?.summary).to.equal('fail')
    expect(gap?.findings.every(f => f.direction?.includes('A') === true), 'only directions from or to A').to.equal(true)
    expect(environmentUnknown(verdicts)).to.equal(false)
  })
})

describe('meshflap run on a real stall: a run the machine stalled is run once more', function () {
  this.timeout(180_000)
  const BIN = join(PROJECT_ROOT, 'harness', 'cli', 'bin.js')
  let dir: string
  let file: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshflap-env-rerun-'))
    file = join(dir, 'stall.yaml')
    await writeFile(file, [
      'name: environment-rerun',
      'description: 4 TS nodes over TCP, no faults; the test stops the whole run (harness and nodes) across slot 3',
      'seed: 5', 'validators: 32', 'nodes: { count: 4, aggregators: [D] }', 'transport: tcp',
      'slotMs: 1000', 'slots: 6', 'genesisDelayMs: 1000',
      'expectations: [{ delivery-gap: { maxSlots: 1 } }, { coverage: { from-slot: 0 } }]', ''
    ].join('\n'))
  })
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  /**
   * `meshflap run` in its own process group; at +2.5 s after genesis (0.5 s after the progress line says
   * slot 2) the whole group, the harness with every node and proxy, is stopped for 1.8 s, once.
   */
  async function stalledCli (args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
    const child = spawn(process.execPath, [BIN, 'run', file, '--out', join(dir, 'runs-' + String(Date.now())), ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    let stdout = ''
    let stderr = ''
    let stopped = false
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
      if (stopped || !/slot 2\/6/.test(stderr)) return
      stopped = true
      setTimeout(() => {
        process.kill(-child.pid!, 'SIGSTOP')
        setTimeout(() => { process.kill(-child.pid!, 'SIGCONT') }, 1800)
      }, 500)
    })
    const code = await new Promise<number | null>(resolve => { child.on('exit', c => { resolve(c) }) })
    return { code, stdout, stderr }
  }

  it('unknown (environment), then the rerun passes: exit 0, both runs printed, the stalled one named', async () => {
    const r = await stalledCli([])
    const show = `stdout:\n${r.stdout}\nstderr:\n${r.stderr.slice(-2000)}`
    expect(r.stdout, show).to.match(/^\?\?\?\? environment-rerun \(seed 5/)
    expect(r.stdout, show).to.match(/unknown \(environment: the harness and nodes A, B, C, D stalled up to \d+ ms/)
    expect(r.stdout, show).to.include('running it once more (same seed)')
    expect(r.stdout, show).to.match(/\nPASS environment-rerun \(seed 5/)
    expect(r.code, show).to.equal(0)
  })

  it('negative control: --no-environment-rerun keeps the stalled run, unknown and exit 1', async () => {
    const r = await stalledCli(['--no-environment-rerun'])
    const show = `stdout:\n${r.stdout}\nstderr:\n${r.stderr.slice(-2000)}`
    expect(r.stdout, show).to.match(/^\?\?\?\? environment-rerun \(seed 5/)
    expect(r.stdout, show).to.not.include('running it once more')
    expect(r.code, show).to.equal(1)
  })
})
