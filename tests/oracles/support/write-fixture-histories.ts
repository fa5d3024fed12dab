/** Writes fixtures/histories/oracles/*.ndjson from fixture-histories.ts: `node tests/oracles/support/write-fixture-histories.ts`. */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { FIXTURE_HISTORIES } from './fixture-histories.ts'
import { toNdjson } from './history-builder.ts'

export const HISTORY_DIR = join(import.meta.dirname, '../../../fixtures/histories/oracles')

if (import.meta.main) {
  await mkdir(HISTORY_DIR, { recursive: true })
  for (const [name, make] of Object.entries(FIXTURE_HISTORIES)) {
    const text = toNdjson(make())
    await writeFile(join(HISTORY_DIR, `${name}.ndjson`), text)
    console.log(`${name}.ndjson: ${text.split('\n').length - 1} entries`)
  }
}
