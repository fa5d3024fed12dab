/**
 * Each mutant of the TS node is caught by the fixture named after its bug
 * class, and the correct node passes that fixture: real nodes, real QUIC over
 * the UDP leg proxies, one seed each (the full table over many seeds is the
 * benchmark: `meshflap power --seeds 20`). Runs through `runPower`, so the
 * files it writes and the exit rule are the command's own.
 *
 * A cell that could not be judged (set-up failed twice on a loaded machine, or
 * unknown (environment) twice) is shown and counted apart; the test then fails
 * only on cells that were judged the wrong way, and is skipped when none of a
 * mutant's cells could be judged, never passed.
 */
import { expect } from 'chai'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { allMutants } from '../../harness/impls/index.ts'
import { planPower, powerVariants } from '../../harness/power/plan.ts'
import { runPower } from '../../harness/power/run-power.ts'
import { loadScenario } from '../../harness/scenario/load-scenario.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'

const SCENARIOS = join(PROJECT_ROOT, 'fixtures', 'scenarios')

describe('mutants: each caught by its own fixture, the correct node passing it (process runtime)', function () {
  for (const mutant of allMutants()) {
    it(`${mutant.fixture}: catches ${mutant.name}; the correct node passes`, async function () {
      this.timeout(240_000)
      const scenario = await loadScenario(join(SCENARIOS, `${mutant.fixture}.yaml`))
      // only the two cells the exit rule judges: the correct node and this mutant, on this fixture
      const variants = powerVariants([mutant]).filter(v => v.kind !== 'stock')
      const dir = await mkdtemp(join(tmpdir(), 'meshflap-power-'))
      const result = await runPower(planPower([scenario], variants, 1), { dir, runtime: 'process', seeds: 1, variants })
      const unjudged = result.cells.filter(c => c.status === 'unknown')
      for (const c of unjudged) console.log(`      not judged: ${c.key}: ${c.summary}${c.dir !== '' ? `; report: ${c.dir}/report.html` : ''}`)
      const wrong = result.cells.filter(c => c.status !== 'unknown' && (c.variant.kind === 'correct' ? c.status !== 'pass' : c.status !== 'fail'))
      expect(wrong.map(c => `${c.key}: ${c.status}: ${c.summary}; report: ${c.dir}/report.html`)).to.deep.equal([])
      if (unjudged.length === result.cells.length) this.skip()
      const caught = result.cells.find(c => c.variant.kind === 'mutant')
      if (caught?.status === 'fail') expect(caught.summary, 'the failing verdicts name what caught it').to.not.equal('')
      const power = JSON.parse(await readFile(join(dir, 'power.json'), 'utf8')) as { entries: unknown[] }
      expect(power.entries).to.have.length(2)
      expect(await readFile(join(dir, 'power.html'), 'utf8')).to.include(mutant.fixture)
    })
  }
})
