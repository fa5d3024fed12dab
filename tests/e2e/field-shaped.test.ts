// suite: serial — 8 nodes, 112 legs and 128 KiB blocks for 40 slots: run alone, not beside another devnet
/**
 * The field-shaped fixture on the process runtime: the correct (leg-aware) node passes it on its
 * own seed, every fault applied. Its mutants are measured against it by `meshflap power` (the
 * benchmark: `npx meshflap power fixtures/scenarios/field-shaped.yaml --judged-only --seeds 5
 * --mutant ...`), too long for `npm test`. A run that stays unknown (environment) after its one
 * rerun, or whose set-up failed twice, judged nothing: shown and skipped, never passed.
 */
import { expect } from 'chai'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { environmentWhat } from '../../harness/runner/environment-rerun.ts'
import { loadScenario } from '../../harness/scenario/load-scenario.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'
import { runWithReruns } from '../support/run-with-reruns.ts'

describe('the field-shaped fixture on the process runtime', function () {
  this.timeout(300_000)

  it('leg-aware passes it on its seed, every fault applied', async function () {
    const scenario = await loadScenario(join(PROJECT_ROOT, 'fixtures', 'scenarios', 'field-shaped.yaml'))
    const out = await mkdtemp(join(tmpdir(), 'meshflap-field-shaped-'))
    const outcome = await runWithReruns(scenario, { outDir: out, overrides: { policy: 'leg-aware' } }, {
      onSetupRetry: why => { console.log(`      set-up tried once more: ${why}`) }
    })
    const r = outcome.result
    if (outcome.environment) {
      console.log(`      unknown (environment) twice: ${environmentWhat(r)}; report: ${r.dir}/report.html`)
      this.skip()
    }
    const why = r.verdicts.filter(v => v.status !== 'pass').map(v => `${v.title}: ${v.findings[0]?.message ?? v.summary}`).join('\n')
    expect(r.status, `${why}\nreport: ${r.dir}/report.html`).to.equal('pass')
  })
})
