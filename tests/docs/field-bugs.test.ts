/**
 * The repository is self-contained: nothing in it points at notes that are not in it, and its own
 * field-bug catalogue (docs/field-bugs.md) names only fixtures that exist and lists every shipped one.
 */
import { expect } from 'chai'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'

// assembled, so this file does not match itself
const FORBIDDEN = [['field', 'notes'].join('-'), ['seed', 'pr278'].join('-'), ['..', 'shared'].join('/')]

describe('docs: the field-bug catalogue', () => {
  it('no tracked or new file mentions a notes file outside the repository', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: PROJECT_ROOT, encoding: 'utf8' })
      .split('\n').filter(f => f !== '' && !f.endsWith('.tgz'))
    const hits: string[] = []
    for (const f of files) {
      let text: string
      try { text = readFileSync(join(PROJECT_ROOT, f), 'utf8') } catch { continue } // deleted in the work tree
      text.split('\n').forEach((line, i) => { if (FORBIDDEN.some(w => line.includes(w))) hits.push(`${f}:${i + 1}: ${line.trim().slice(0, 120)}`) })
    }
    expect(hits, hits.join('\n')).to.deep.equal([])
  })

  it('docs/field-bugs.md names only fixtures that exist, and every shipped scenario points at it', async () => {
    const doc = await readFile(join(PROJECT_ROOT, 'docs', 'field-bugs.md'), 'utf8')
    const scenarios = (await readdir(join(PROJECT_ROOT, 'fixtures', 'scenarios'))).filter(f => f.endsWith('.yaml'))
    for (const m of doc.matchAll(/`((?:fixtures|tests)\/[^`*]+)`/g)) {
      const path = m[1] as string
      expect(await readFile(join(PROJECT_ROOT, path), 'utf8').then(() => true, () => false), `${path} (named in docs/field-bugs.md)`).to.equal(true)
    }
    for (const f of scenarios) {
      const stem = f.replace(/(-tcp|-mixed|-ts-go)?\.yaml$/, '')
      expect(doc, `${f} is not in the catalogue`).to.match(new RegExp(`\`(fixtures/scenarios/)?${stem.replace(/[-.]/g, '\\$&')}`))
    }
    for (const f of ['bearing-leg-down.yaml', 'go-topics-forgotten.yaml', 'pr278-non-bearing-leg-flap.yaml']) {
      expect(await readFile(join(PROJECT_ROOT, 'fixtures', 'scenarios', f), 'utf8'), f).to.include('docs/field-bugs.md')
    }
  })
})
