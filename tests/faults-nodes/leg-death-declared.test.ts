/**
 * `leg-death-within` end to end on real TS nodes over QUIC (process runtime): A's bearing leg to B is
 * held down; the runner records the fault's declared bound in the history, the nodes' idle timers
 * close the leg in 600-1200 ms, and the judgement compares. Declared 50 ms (no node can: the QUIC idle
 * timeout is 600 ms), every would-be pass is `unknown (node X cannot detect leg loss within 50 ms:
 * measured M ms)`; declared 3 slots (negative control), the same run passes.
 */
import { expect } from 'chai'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FaultEntry } from '../../harness/history/types.ts'
import { readHistory } from '../../harness/report/read-history.ts'
import { runScenario } from '../../harness/runner/run-scenario.ts'
import { parseScenario } from '../../harness/scenario/load-scenario.ts'
import { slowLegDeathLabel } from '../../harness/oracles/leg-death-excuse.ts'

function scenario (within: string): string {
  return `name: leg-death-declared
description: a held-down bearing leg whose fault declares how fast its death must be seen
seed: 41
nodes:
  count: 2
  defaults: { impl: ts, gossipPolicy: leg-aware }
transport: quic
quic: { maxIdleTimeoutMs: 600, keepAliveIntervalMs: 150 }
slots: 7
genesisDelayMs: 800
redial: { minMs: 100, maxMs: 400 }
faults:
  - atMs: 1300
    action: down
    duration: { slots: 4 }
    target: { bearing-of: A }
    exercised: true
    leg-death-within: ${within}
expectations:
  - streams-survive
  - reopen-within: { ms: 1000 }
`
}

describe('leg-death-within on real nodes', function () {
  this.timeout(240_000)
  let out: string
  before(async () => { out = await mkdtemp(join(tmpdir(), 'meshflap-leg-death-')) })

  it('declared 50 ms: the runner records it, both ends measured slower, and the passes are unknown with the measurement', async () => {
    const r = await runScenario(parseScenario(scenario('{ ms: 50 }'), 'strict.yaml'), { outDir: out })
    const history = await readHistory(join(r.dir, 'history.ndjson'))
    const applies = history.filter((e): e is FaultEntry => e.kind === 'fault' && (e as FaultEntry).phase === 'apply')
    expect(applies.map(a => a.legDeathWithinMs)).to.deep.equal([50])
    for (const v of r.verdicts) {
      expect(v.status, `${v.title}: ${v.summary}`).to.not.equal('pass')
      if (v.status === 'unknown') expect(slowLegDeathLabel(v), v.title).to.match(/^unknown \(node [AB] \(ts\) cannot detect leg loss within 50 ms: measured \d+ ms/)
    }
    expect(r.verdicts.find(v => v.expectation === 'streams-survive')?.status).to.equal('unknown')
  })

  it('negative control: declared 3 slots, both ends saw the leg die in time and the same run passes', async () => {
    const r = await runScenario(parseScenario(scenario('{ slots: 3 }'), 'generous.yaml'), { outDir: out })
    for (const v of r.verdicts) expect(v.status, `${v.title}: ${v.summary}`).to.equal('pass')
    const results = JSON.parse(await readFile(join(r.dir, 'results.json'), 'utf8')) as { legDeath?: { ends?: Array<{ ms?: number }> } }
    expect(results.legDeath?.ends, 'both ends of the downed leg measured').to.have.length(2)
    for (const e of results.legDeath?.ends ?? []) expect(e.ms, 'measured well inside 3 slots').to.be.below(3000)
  })
})
