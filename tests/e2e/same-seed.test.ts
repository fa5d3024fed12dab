/**
 * The same seed gives the same run: the targets a seed draws (random legs, random nodes' roles) do
 * not depend on the order in which the nodes happened to come up. They did: the draws indexed the
 * devnet's nodes in start-up order, and five runs of quorum-32 on seed 32 stormed five different
 * node triples. Here the second run starts node A last on purpose (a start delay, which changes no
 * draw); both runs must draw the same legs in the same order.
 */
import { expect } from 'chai'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FaultEntry, RunStart } from '../../harness/history/types.ts'
import { readHistory } from '../../harness/report/read-history.ts'
import { runScenario } from '../../harness/runner/run-scenario.ts'
import { loadScenario } from '../../harness/scenario/load-scenario.ts'

const scenario = (aStart: string): string => `
name: same-seed
description: random legs and random nodes' outbound legs, drawn from the seed
seed: 7
validators: 5
nodes:
  - { name: A${aStart} }
  - { name: B }
  - { name: C }
  - { name: D }
  - { name: E, aggregator: true }
transport: tcp
slotMs: 500
slots: 6
genesisDelayMs: 300
faults:
  - { atMs: 200, action: { flap: { times: 1, downMs: 150 } }, target: { random: true }, repeat: 4, every: { ms: 300 } }
  - { atMs: 400, action: { latency: { ms: 5 } }, duration: { ms: 200 }, target: { outbound-of: { random: 2 } }, repeat: 2, every: { ms: 600 } }
expectations: [streams-survive]
`

/** (fault, leg) of every applied fault, in the order the seed drew them */
async function drawn (dir: string, yaml: string): Promise<{ order: string[], draws: string[] }> {
  const file = join(dir, `same-seed-${Math.random().toString(36).slice(2)}.yaml`)
  await writeFile(file, yaml)
  const r = await runScenario(await loadScenario(file), { outDir: join(dir, 'runs') })
  const history = await readHistory(join(r.dir, 'history.ndjson'))
  const start = history.find((e): e is RunStart => e.kind === 'run_start')!
  const applies = history.filter((e): e is FaultEntry => e.kind === 'fault' && e.phase === 'apply' && e.action !== 'up')
  return {
    order: start.nodes.map(n => n.name),
    draws: applies.map(e => `${e.fault} ${e.leg}`).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
  }
}

describe('the same seed draws the same targets, whatever order the nodes came up in', function () {
  this.timeout(120_000)

  it('node A started last on purpose: the same random legs and the same random nodes\' legs as a plain run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshflap-same-seed-'))
    const plain = await drawn(dir, scenario(''))
    const aLast = await drawn(dir, scenario(', start: { delayMs: 800 }'))
    expect(plain.order).to.deep.equal(['A', 'B', 'C', 'D', 'E'])
    expect(aLast.order).to.deep.equal(['A', 'B', 'C', 'D', 'E'])
    expect(plain.draws.length, plain.draws.join(', ')).to.be.at.least(4 + 2 * 4)
    expect(aLast.draws).to.deep.equal(plain.draws)
  })
})
