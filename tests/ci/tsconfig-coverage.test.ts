/**
 * `npm test` type-checks every TypeScript file of the repository: tsconfig.json's `include` covers
 * each tracked .ts file (bench/ and ci/ were left out, so nothing checked them).
 */
import { expect } from 'chai'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'

describe('tsconfig.json', function () {
  this.timeout(120_000)
  it('includes every tracked .ts file', () => {
    const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], { cwd: PROJECT_ROOT, encoding: 'utf8' })
      .split('\n').filter(f => f !== '' && !f.endsWith('.d.ts')).map(f => join(PROJECT_ROOT, f))
    const tsc = join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
    const checked = new Set(execFileSync(process.execPath, [tsc, '--listFilesOnly', '-p', PROJECT_ROOT], { cwd: PROJECT_ROOT, encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n'))
    expect(tracked.filter(f => !checked.has(f)).map(f => f.slice(PROJECT_ROOT.length))).to.deep.equal([])
  })
})
