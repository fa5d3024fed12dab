/**
 * Set-up's implementation builds (harness/impls/build.ts): a build runs only
 * when its stamp (recipe + source hash) changed, a missing tool is a clear
 * error, and a binary the tool leaves elsewhere (cargo's target/) is copied.
 */
import { expect } from 'chai'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BuildToolMissingError, filesUnder, runBuildStep, stampOf } from '../../harness/impls/build.ts'
import type { BuildStep } from '../../harness/impls/index.ts'
import { implementation } from '../../harness/impls/index.ts'

describe('implementations: set-up builds', () => {
  let root = ''
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'meshflap-build-'))
    mkdirSync(join(root, 'peer', 'src'), { recursive: true })
    mkdirSync(join(root, 'peer', 'target'), { recursive: true })
    writeFileSync(join(root, 'peer', 'src', 'main.txt'), 'v1')
    writeFileSync(join(root, 'peer', 'target', 'junk'), 'ignored')
  })
  afterEach(() => { rmSync(root, { recursive: true, force: true }) })

  // a "compiler" that counts its runs and leaves its output in target/, as cargo does
  const step = (over: Partial<BuildStep> = {}): BuildStep => ({
    binary: 'peer-bin',
    tool: 'sh',
    toolMissing: 'install sh',
    dir: 'peer',
    sources: dir => filesUnder(dir, ['target']),
    recipe: 'sh build',
    command: () => ({ file: 'sh', args: ['-c', 'cat src/main.txt > target/out && echo run >> ../runs'], cwd: join(root, 'peer') }),
    produces: 'target/out',
    ...over
  })
  const runs = (): number => existsSync(join(root, 'runs')) ? readFileSync(join(root, 'runs'), 'utf8').trim().split('\n').length : 0

  it('builds once, copies the output to .tools/bin, and rebuilds only when a source or the recipe changes', () => {
    expect(runBuildStep(step(), { root, tools: join(root, '.tools') })).to.equal(true)
    expect(readFileSync(join(root, '.tools', 'bin', 'peer-bin'), 'utf8')).to.equal('v1')
    expect(runBuildStep(step(), { root, tools: join(root, '.tools') }), 'stamp current').to.equal(false)
    writeFileSync(join(root, 'peer', 'target', 'junk'), 'changed')
    expect(runBuildStep(step(), { root, tools: join(root, '.tools') }), 'build output is no source').to.equal(false)
    writeFileSync(join(root, 'peer', 'src', 'main.txt'), 'v2')
    expect(runBuildStep(step(), { root, tools: join(root, '.tools') })).to.equal(true)
    expect(readFileSync(join(root, '.tools', 'bin', 'peer-bin'), 'utf8')).to.equal('v2')
    expect(runBuildStep(step({ recipe: 'sh build --release' }), { root, tools: join(root, '.tools') }), 'new flags').to.equal(true)
    expect(runs()).to.equal(3)
  })

  it('names the missing tool and how to get it, building nothing', () => {
    expect(() => runBuildStep(step({ tool: 'no-such-compiler-xyz', toolMissing: 'install the xyz compiler' }), { root, tools: join(root, '.tools') }))
      .to.throw(BuildToolMissingError, 'install the xyz compiler')
    expect(runs()).to.equal(0)
  })

  it("keeps the Go peer's stamp as set-up always wrote it (an existing build is not redone)", () => {
    const go = implementation('go').build!
    expect(stampOf(go, join(import.meta.dirname, '..', '..'))).to.match(/^CGO_ENABLED=0 go build -trimpath -ldflags=-s -w -o [0-9a-f]{64}$/)
  })
})
