/**
 * Regenerates fixtures/histories/report-*.ndjson from the sample specs:
 * `node tests/report/make-fixtures.ts`. The report tests check the committed
 * files still match, so a change to the simulator shows up as a diff.
 */
import { writeFile } from 'node:fs/promises'
import { historyToNdjson } from '../../harness/report/read-history.ts'
import { sampleHistory } from './sample-history.ts'
import { FAIL_SPEC, FIXTURE_DIR, HOSTILE_SPEC, PASS_SPEC } from './samples.ts'

export const FIXTURES = {
  'report-pr278-pass.ndjson': PASS_SPEC,
  'report-bearing-stock-fail.ndjson': FAIL_SPEC,
  'report-hostile.ndjson': HOSTILE_SPEC
} as const

if (import.meta.main) {
  for (const [file, spec] of Object.entries(FIXTURES)) {
    const text = historyToNdjson(sampleHistory(spec))
    await writeFile(new URL(file, FIXTURE_DIR), text)
    console.log(`${file}: ${text.split('\n').length - 1} entries`)
  }
}
