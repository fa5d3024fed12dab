/**
 * What the e2e files that run shipped fixtures share: how many seeds a field-bug fixture gets in
 * `npm test`, and how a failed run is described in the assertion message.
 */
import type { RunResult } from '../../harness/runner/run-scenario.ts'

/**
 * Seeds per field-bug fixture. 2 in `npm test`: at 3 tests/e2e/fixtures.test.ts took 18 of the
 * suite's 45 minutes (fresh-clone CI, 2026-11-30): 2 keeps the suite near half an hour and still
 * shows a pass is not one lucky seed. Deeper runs: MESHFLAP_E2E_SEEDS=5 npm test, or
 * `meshflap gate --seeds N` on the fixtures.
 */
export const E2E_SEEDS = seedsFromEnv(process.env.MESHFLAP_E2E_SEEDS, 2)

function seedsFromEnv (raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) throw new Error(`MESHFLAP_E2E_SEEDS must be a whole number >= 1, got "${raw}"`)
  return n
}

/** The verdicts that did not pass, their first findings, the report and the command that reproduces the run. */
export function describeFailure (r: RunResult): string {
  return r.verdicts.filter(v => v.status !== 'pass').map(v => `${v.title}: ${v.summary}\n  ${v.findings.slice(0, 3).map(f => f.message).join('\n  ')}`).join('\n') +
    `\n  report: ${r.dir}/report.html\n  reproduce: ${r.reproduce}`
}
