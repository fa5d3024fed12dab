/** Two runs started in the same millisecond never share a folder (power --parallel). */
import { expect } from 'chai'
import { mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { claimRunDir } from '../../harness/runner/run-dir.ts'

describe('claimRunDir', () => {
  it('gives each claimant of one name its own folder, the first the plain name', async () => {
    const parent = join(await mkdtemp(join(tmpdir(), 'meshflap-run-dir-')), 'runs')
    const base = join(parent, 'pr278-ts-quic-seed1-2026-12-02T06-00-44-719Z')
    const dirs = await Promise.all([claimRunDir(base), claimRunDir(base), claimRunDir(base)])
    expect(new Set(dirs).size).to.equal(3)
    expect(dirs).to.include(base)
    await writeFile(join(dirs[0]!, 'history.ndjson'), '')
    expect(await readdir(parent)).to.have.length(3)
  })
})
