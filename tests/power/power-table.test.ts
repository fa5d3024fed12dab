/**
 * `meshflap power`, the pure parts: the plan (fixture x variant x seed), the
 * table ("caught k/N"), the exit rule (a mutant escaping its own fixture, the
 * correct node missing one; unknown is neither a catch nor a pass), the
 * override each variant applies, `--mutant` checks, and the pages.
 */
import { expect } from 'chai'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fixturesOfMutants, judgedCells, missingFixtures, planPower, powerVariants, variantOverrides } from '../../harness/power/plan.ts'
import type { PowerVariant } from '../../harness/power/plan.ts'
import { cellText, powerProblems, powerTable, powerTableText, unmeasuredMutants } from '../../harness/power/power-table.ts'
import type { PowerCellResult } from '../../harness/power/power-table.ts'
import { renderPowerHtml } from '../../harness/power/power-html.ts'
import { renderPowerJunit } from '../../harness/power/power-junit.ts'
import { applyOverrides } from '../../harness/runner/overrides.ts'
import { checkMutantFlag } from '../../harness/cli/run-command.ts'
import { allMutants } from '../../harness/impls/index.ts'
import { loadScenario } from '../../harness/scenario/load-scenario.ts'
import { parseScenario } from '../../harness/scenario/load-scenario.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'
import type { VerdictStatus } from '../../harness/oracles/verdict.ts'

const scenarioFile = (name: string): string => join(PROJECT_ROOT, 'fixtures', 'scenarios', `${name}.yaml`)
const M1: PowerVariant = { kind: 'mutant', name: 'm1', fixture: 'f1' }
const M2: PowerVariant = { kind: 'mutant', name: 'm2', fixture: 'f2' }
const CORRECT: PowerVariant = { kind: 'correct', name: 'correct' }

function cell (fixture: string, variant: PowerVariant, seed: number, status: VerdictStatus): PowerCellResult {
  return { key: `${fixture} ${variant.name} ${seed}`, fixture, variant, seed, status, summary: '', dir: `/runs/${fixture}-${variant.name}-${seed}`, reproduce: '', wallMs: 1 }
}

describe('power: plan, table and exit rule (pure)', () => {
  it('plans every fixture x (correct, each mutant, stock) x seed, seeds counted from the scenario\'s', async () => {
    const s = await loadScenario(scenarioFile('drop-early-subscribe'))
    const variants = powerVariants([{ name: 'm1', summary: '', fixture: 'drop-early-subscribe' }])
    expect(variants.map(v => v.name)).to.deep.equal(['correct', 'm1', 'stock'])
    const cells = planPower([s], variants, 3)
    expect(cells).to.have.length(9)
    expect(cells[0]!.key).to.equal(`drop-early-subscribe correct seed ${s.seed}`)
    expect(cells[3]!.key).to.equal(`drop-early-subscribe ~m1 seed ${s.seed}`)
    expect(cells.at(-1)!.seed).to.equal(s.seed + 2)
    // --judged-only: the correct node everywhere, each mutant on its own fixture only
    const other = powerVariants([{ name: 'm2', summary: '', fixture: 'elsewhere' }])
    expect(judgedCells(planPower([s], [...variants, other[1]!], 1)).map(c => c.variant.name)).to.deep.equal(['correct', 'm1'])
    expect(missingFixtures([s], powerVariants([{ name: 'm9', summary: '', fixture: 'nope' }]))).to.deep.equal(['mutant m9 names fixture nope, which is not among the scenarios (nor does any of them list it in catches:)'])
  })

  it('a fixture whose catches: lists a mutant (or says every-mutant) is one of its own fixtures: judged, and enough to measure it', () => {
    const text = (catches: string): string => `
name: field-like
description: a fixture that must catch more than its own bug
seed: 5
validators: 4
nodes: { count: 2 }
slotMs: 500
slots: 2
${catches}
expectations: [coverage]
`
    const listed = parseScenario(text('catches: [drop-early-subscribe]'), 'listed.yaml')
    const every = parseScenario(text('catches: every-mutant'), 'every.yaml')
    const none = parseScenario(text(''), 'none.yaml')
    expect(listed.catches).to.deep.equal(['drop-early-subscribe'])
    expect(every.catches).to.equal('every-mutant')
    const variants = powerVariants([{ name: 'drop-early-subscribe', summary: '', fixture: 'drop-early-subscribe' }, { name: 'close-duplicate-redial', summary: '', fixture: 'close-duplicate-redial' }])
    expect(judgedCells(planPower([listed], variants, 1)).map(c => c.variant.name)).to.deep.equal(['correct', 'drop-early-subscribe'])
    expect(judgedCells(planPower([every], variants, 1)).map(c => c.variant.name)).to.deep.equal(['correct', 'drop-early-subscribe', 'close-duplicate-redial'])
    expect(judgedCells(planPower([none], variants, 1)).map(c => c.variant.name)).to.deep.equal(['correct'])
    expect(missingFixtures([listed], variants)).to.deep.equal(['mutant close-duplicate-redial names fixture close-duplicate-redial, which is not among the scenarios (nor does any of them list it in catches:)'])
    expect(missingFixtures([every], variants)).to.deep.equal([])
    // the table judges such a cell like an own fixture: an escape there is red
    const planned = planPower([every], variants, 1)
    const results = planned.map(c => ({ ...cell(c.scenario.name, c.variant, c.seed, c.variant.kind === 'correct' ? 'pass' : c.variant.name === 'drop-early-subscribe' ? 'fail' : 'pass'), own: c.own }))
    expect(powerProblems(powerTable(results)).map(p => p.message)).to.deep.equal(['mutant close-duplicate-redial escaped its own fixture field-like on 1 of 1 seed(s) (1 passed, 0 unknown)'])
    // an unknown name is bad input, naming the field
    expect(() => parseScenario(text('catches: [nope]'), 'bad.yaml')).to.throw(/catches\[0\]|catches\/0|catches.*unknown mutant "nope"/)
  })

  it('every shipped mutant names a fixture that exists and is named after it', async () => {
    for (const m of allMutants()) {
      const s = await loadScenario(scenarioFile(m.fixture))
      expect(s.name, m.name).to.equal(m.fixture)
    }
  })

  it('by default measures each mutant\'s own fixture and field-shaped, which lists them in catches:, and nothing else', async () => {
    const dir = join(PROJECT_ROOT, 'fixtures', 'scenarios')
    const shipped = await Promise.all((await readdir(dir)).filter(f => f.endsWith('.yaml')).map(async f => await loadScenario(join(dir, f))))
    const picked = fixturesOfMutants(shipped, powerVariants(allMutants())).map(s => s.name).sort()
    expect(picked).to.deep.equal([...new Set([...allMutants().map(m => m.fixture), 'field-shaped'])].sort())
  })

  it('counts caught k/N per cell; unknown is neither caught nor passed', () => {
    const entries = powerTable([
      cell('f1', M1, 1, 'fail'), cell('f1', M1, 2, 'fail'),
      cell('f1', CORRECT, 1, 'pass'), cell('f1', CORRECT, 2, 'unknown'),
      cell('f2', M1, 1, 'pass'), cell('f2', M1, 2, 'fail')
    ])
    const own = entries.find(e => e.variant === 'm1' && e.fixture === 'f1')!
    expect(own).to.include({ own: true, seeds: 2, failed: 2, passed: 0, unknown: 0, failingRun: '/runs/f1-m1-1' })
    expect(cellText(own)).to.equal('caught 2/2')
    const correct = entries.find(e => e.variant === 'correct')!
    expect(cellText(correct)).to.equal('pass 1/2 (1 unknown)')
    expect(entries.find(e => e.variant === 'm1' && e.fixture === 'f2')).to.include({ own: false, failed: 1 })
  })

  it('exit rule: red on an escape from the own fixture (also by unknown) or a correct-node miss; other cells are information', () => {
    const green = powerTable([cell('f1', M1, 1, 'fail'), cell('f2', M1, 1, 'pass'), cell('f1', CORRECT, 1, 'pass'), cell('f2', CORRECT, 1, 'pass'), cell('f2', M2, 1, 'fail')])
    expect(powerProblems(green)).to.deep.equal([])
    const escaped = powerTable([cell('f1', M1, 1, 'fail'), cell('f1', M1, 2, 'unknown')])
    expect(powerProblems(escaped).map(p => p.message)).to.deep.equal(['mutant m1 escaped its own fixture f1 on 1 of 2 seed(s) (0 passed, 1 unknown)'])
    const missed = powerTable([cell('f1', CORRECT, 1, 'fail')])
    expect(powerProblems(missed).map(p => p.message)).to.deep.equal(['the correct node did not pass f1 on 1 of 1 seed(s) (1 failed, 0 unknown)'])
    expect(unmeasuredMutants(green, ['m1', 'm2', 'm3']).map(p => p.variant)).to.deep.equal(['m3'])
  })

  it('prints and renders the table; html links a run, junit fails exactly the problems', () => {
    const entries = powerTable([cell('f1', M1, 1, 'pass'), cell('f1', CORRECT, 1, 'pass')])
    const problems = powerProblems(entries)
    expect(powerTableText(entries, ['correct', 'm1'], ['f1'])).to.match(/m1\s+caught 0\/1 \*/)
    const html = renderPowerHtml({ title: 't<', dir: '/runs', variants: ['correct', 'm1'], fixtures: ['f1'], entries, problems, seeds: 1, runtime: 'process', wallMs: 1 })
    expect(html).to.include('t&lt;').and.include('href="f1-m1-1/report.html"').and.include('escaped its own fixture')
    const junit = renderPowerJunit(entries, problems)
    expect(junit).to.include('failures="1"').and.include('type="mutant-escaped"')
  })
})

describe('mutant overrides and checks (pure)', () => {
  it('--mutant puts exactly that mutant on every node that has it, on leg-aware; records it in the flags', async () => {
    const s = await loadScenario(scenarioFile('drop-early-subscribe'))
    const stockFile = applyOverrides(s, { policy: 'stock' })
    const mutated = applyOverrides(stockFile, { mutant: 'drop-early-subscribe' })
    expect(mutated.nodes.map(n => [n.gossipPolicy, n.mutants])).to.deep.equal([['leg-aware', ['drop-early-subscribe']], ['leg-aware', ['drop-early-subscribe']]])
    expect(applyOverrides(s, variantOverrides({ kind: 'stock', name: 'stock' })).nodes.every(n => n.gossipPolicy === 'stock' && n.mutants === undefined)).to.equal(true)
    // a node moved to an implementation without the mutant keeps none
    expect(applyOverrides(s, { mutant: 'drop-early-subscribe', impls: ['go'] }).nodes.every(n => n.mutants === undefined)).to.equal(true)
  })

  it('an unknown --mutant or one with --policy stock is refused with a message naming the known ones', () => {
    expect(checkMutantFlag(undefined)).to.equal(undefined)
    expect(checkMutantFlag('drop-early-subscribe')).to.equal(undefined)
    expect(checkMutantFlag('nope')).to.match(/unknown mutant "nope"; known: .*drop-early-subscribe/)
    expect(checkMutantFlag('drop-early-subscribe', 'stock')).to.match(/cannot run with --policy stock/)
  })

  it('a scenario node naming an unknown mutant, or a mutant on stock, is a field error', () => {
    const base = 'name: x\ndescription: a scenario for the mutant checks\nnodes:\n'
    expect(() => parseScenario(`${base}  - { name: A, mutants: [nope] }\n  - { name: B }\nexpectations: [coverage]\n`, 'x.yaml'))
      .to.throw(/nodes\.0\.mutants\.0|nodes\[0\]\.mutants\[0\]|has no mutant "nope"/)
    expect(() => parseScenario(`${base}  - { name: A, gossipPolicy: stock, mutants: [drop-early-subscribe] }\n  - { name: B }\nexpectations: [coverage]\n`, 'x.yaml'))
      .to.throw(/modify the leg-aware policy/)
    const ok = parseScenario(`${base}  - { name: A, mutants: [drop-early-subscribe] }\n  - { name: B }\nexpectations: [coverage]\n`, 'x.yaml')
    expect(ok.nodes[0]!.mutants).to.deep.equal(['drop-early-subscribe'])
  })
})
