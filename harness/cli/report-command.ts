/**
 * `meshflap report <run-dir>`: re-judges the saved history with the scenario
 * recorded in it and re-renders the derived files (Jepsen's `analyze`): the
 * history is the only input, so an old run can be re-read with newer oracles.
 */
import { join } from 'node:path'
import { readHistory } from '../report/read-history.ts'
import { writeRunDir } from '../report/write-run-dir.ts'
import { judge } from '../oracles/index.ts'
import { composeStatus } from '../oracles/verdict.ts'
import type { RunStart } from '../history/types.ts'
import type { Scenario } from '../scenario/types.ts'
import { collectVersions } from '../runner/versions.ts'
import { EXIT } from './exit-codes.ts'

export async function reportCommand (dir: string): Promise<number> {
  let history
  try {
    history = await readHistory(join(dir, 'history.ndjson'))
  } catch (err) {
    process.stderr.write(`${dir}: not a meshflap run directory: ${(err as Error).message}\n`)
    return EXIT.badInput
  }
  const start = history.find((e): e is RunStart => e.kind === 'run_start')
  const scenario = start?.resolved as Scenario | undefined
  if (scenario?.expectations == null) {
    process.stderr.write(`${dir}/history.ndjson: no run_start entry with the resolved scenario: the run never started, nothing to judge\n`)
    return EXIT.badInput
  }
  const verdicts = judge(history, scenario.expectations)
  const files = await writeRunDir(dir, { history, verdicts, versions: await collectVersions() })
  const status = composeStatus(verdicts.map(v => v.status))
  process.stdout.write(`${status.toUpperCase()} ${scenario.name} (seed ${scenario.seed}): ${verdicts.map(v => `${v.expectation} ${v.status}`).join(', ')}\n  report: ${files.report}\n`)
  return status === 'pass' ? EXIT.pass : EXIT.verdictFailed
}
