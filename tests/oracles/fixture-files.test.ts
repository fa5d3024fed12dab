/** The recorded histories in fixtures/histories/oracles/ are exactly what their scripts write (regenerate with write-fixture-histories.ts). */
import { expect } from 'chai'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FIXTURE_HISTORIES } from './support/fixture-histories.ts'
import { toNdjson } from './support/history-builder.ts'
import { HISTORY_DIR } from './support/load-history.ts'

describe('oracles: recorded fixture histories', () => {
  it('one file per script, no strays', () => {
    expect(readdirSync(HISTORY_DIR).filter(f => f.endsWith('.ndjson')).sort()).to.deep.equal(Object.keys(FIXTURE_HISTORIES).map(n => `${n}.ndjson`).sort())
  })

  for (const [name, make] of Object.entries(FIXTURE_HISTORIES)) {
    it(`${name}.ndjson matches its script`, () => {
      expect(readFileSync(join(HISTORY_DIR, `${name}.ndjson`), 'utf8')).to.equal(toNdjson(make()))
    })
  }
})
