/** Reads the committed sample histories (through the real reader) for the report tests. */
import { fileURLToPath } from 'node:url'
import type { History } from '../../harness/history/types.ts'
import { readHistory } from '../../harness/report/read-history.ts'
import { FIXTURE_DIR } from './samples.ts'

export function fixturePath (file: string): string {
  return fileURLToPath(new URL(file, FIXTURE_DIR))
}

export interface Fixtures {
  pass: History
  fail: History
  hostile: History
}

export async function loadFixtures (): Promise<Fixtures> {
  const [pass, fail, hostile] = await Promise.all([
    readHistory(fixturePath('report-pr278-pass.ndjson')),
    readHistory(fixturePath('report-bearing-stock-fail.ndjson')),
    readHistory(fixturePath('report-hostile.ndjson'))
  ])
  return { pass, fail, hostile }
}
