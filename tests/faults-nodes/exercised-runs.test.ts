// suite: serial — uses the one Docker engine (containers, images and networks found by label)
/**
 * Runs that cannot be vacuous, end to end on real TS nodes (process runtime):
 * with both streams placed on A>B, a required fault on the idle leg B>A hits
 * nothing and every would-be pass is unknown (vacuous); the same fault on A>B
 * records both directions it hit. The runs also carry the mesh samples,
 * legs-settle and latency verdicts over a real history, on the process and the docker runtime.
 */
import { expect } from 'chai'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runScenario } from '../../harness/runner/run-scenario.ts'
import { parseScenario } from '../../harness/scenario/load-scenario.ts'
import type { RunResults } from '../../harness/report/results-json.ts'
import { dockerOrSkip } from '../docker/support/docker-gate.ts'

function scenario (faulted: 'outbound-of: A' | 'outbound-of: B'): string {
  return `name: exercised-${faulted.endsWith('A') ? 'bearing' : 'idle'}
description: a required fault on a placed pair, for the vacuous-run test
seed: 31
nodes:
  count: 2
  defaults: { impl: ts, gossipPolicy: leg-aware }
transport: tcp
slots: 6
genesisDelayMs: 800
redial: { minMs: 100, maxMs: 400 }
placement:
  - { pair: [A, B], streams: same }
faults:
  - slot: 1
    action: { latency: { ms: 50 } }
    duration: { slots: 1 }
    target: { pair: [A, B], ${faulted} }
    exercised: true
expectations:
  - streams-survive
  - mesh-consistent
  - legs-settle: { within-slots: 2 }
  - latency: { p99Ms: 900 }
`
}

describe('runs that cannot be vacuous, on real nodes', function () {
  this.timeout(240_000)
  let out: string
  before(async () => { out = await mkdtemp(join(tmpdir(), 'meshflap-exercised-')) })

  it('a required fault on the idle leg hit nothing: no pass, unknown (vacuous), and results.json says what it hit', async () => {
    const r = await runScenario(parseScenario(scenario('outbound-of: B'), 'idle.yaml'), { outDir: out })
    const results = JSON.parse(await readFile(join(r.dir, 'results.json'), 'utf8')) as RunResults
    expect(results.faults.map(f => [f.fault, f.leg, f.streams, f.recorded])).to.deep.equal([['faults[0]', 'B>A', [], true]])
    for (const v of r.verdicts) expect(v.status, `${v.title}: ${v.summary}`).to.not.equal('pass')
    const survive = r.verdicts.find(v => v.expectation === 'streams-survive')
    expect(survive?.status, survive?.summary).to.equal('unknown')
    expect(survive?.summary).to.match(/^unknown \(vacuous\): fault faults\[0\] \(latency on B>A, outbound-of: B \(B,A\), 1 window\(s\) .*must be exercised but hit no gossip stream; without it: .*the fault touched no stream/)
    expect(r.status).to.equal('unknown')
  })

  it('negative control: the same fault on the leg carrying both streams was exercised, and the oracles judge the real history', async () => {
    const r = await runScenario(parseScenario(scenario('outbound-of: A'), 'bearing.yaml'), { outDir: out })
    const results = JSON.parse(await readFile(join(r.dir, 'results.json'), 'utf8')) as RunResults
    expect(results.faults.map(f => [f.leg, f.streams])).to.deep.equal([['A>B', ['A->B', 'B->A']]])
    const byKind = new Map(r.verdicts.map(v => [v.expectation, v]))
    for (const v of r.verdicts) expect(v.summary).to.not.include('vacuous')
    expect(byKind.get('streams-survive')?.status, byKind.get('streams-survive')?.summary).to.equal('pass')
    expect(byKind.get('mesh-consistent')?.summary, 'mesh samples were recorded').to.match(/^\d+ status sample\(s\) of 2 node\(s\)/)
    expect(byKind.get('legs-settle')?.status, byKind.get('legs-settle')?.summary).to.equal('pass')
    expect(byKind.get('latency')?.evidence?.latencies, 'both directions measured').to.have.length(2)
  })

  it('the same on the docker runtime: what the fault hit, the mesh samples, legs-settle and latency from the containers\' history', async function () {
    await dockerOrSkip(this)
    const r = await runScenario(parseScenario(scenario('outbound-of: A'), 'bearing-docker.yaml'), { outDir: out, runtime: 'docker' })
    const results = JSON.parse(await readFile(join(r.dir, 'results.json'), 'utf8')) as RunResults
    expect(results.faults.map(f => [f.leg, f.streams])).to.deep.equal([['A>B', ['A->B', 'B->A']]])
    const byKind = new Map(r.verdicts.map(v => [v.expectation, v]))
    for (const kind of ['streams-survive', 'legs-settle']) {
      expect(byKind.get(kind)?.status, `${kind}: ${byKind.get(kind)?.summary ?? ''}`).to.equal('pass')
    }
    expect(byKind.get('mesh-consistent')?.summary, 'mesh samples were recorded').to.match(/^\d+ status sample\(s\) of 2 node\(s\)/)
    expect(byKind.get('latency')?.evidence?.latencies, 'both directions measured').to.have.length(2)
  })
})
