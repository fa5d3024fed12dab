/**
 * The interop matrix: its plan (pure), the known-failures file, and a real
 * matrix run that turns red on a new failure and on an unexpected pass, and
 * green when the known-failures file tells the truth.
 */
import { expect } from 'chai'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { planMatrix, orderedPairs } from '../../harness/matrix/plan.ts'
import { KnownFailuresError, knownFailureFor, parseKnownFailures } from '../../harness/matrix/known-failures.ts'
import { classifyCell } from '../../harness/matrix/classify.ts'
import { runMatrix } from '../../harness/matrix/run-matrix.ts'
import { loadScenario } from '../../harness/scenario/load-scenario.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'

const fixture = (name: string): string => join(PROJECT_ROOT, 'tests', 'matrix', 'fixtures', `${name}.yaml`)

describe('matrix plan and known failures (pure)', () => {
  it('plans every scenario x ordered implementation pair (X,X included) x transport x seed', async () => {
    const s = await loadScenario(fixture('tiny-pass'))
    expect(orderedPairs(['ts', 'go'])).to.deep.equal([['ts', 'ts'], ['ts', 'go'], ['go', 'ts'], ['go', 'go']])
    const cells = planMatrix([s], { impls: ['ts', 'go'], transports: ['quic', 'tcp'], seeds: 2 })
    expect(cells).to.have.length(16)
    expect(cells[0]!.key).to.equal('tiny-pass ts>ts quic seed 5')
    expect(cells.at(-1)!.key).to.equal('tiny-pass go>go tcp seed 6')
    expect(new Set(cells.map(c => c.key)).size).to.equal(16)
  })

  it('reads the shipped known-failures file; every entry has a reason and an upstream reference', async () => {
    const file = join(PROJECT_ROOT, 'fixtures', 'known-failures.yaml')
    const known = parseKnownFailures(await readFile(file, 'utf8'), file)
    expect(known.length).to.be.greaterThan(0)
    for (const k of known) expect(k.reason.length, k.scenario).to.be.greaterThan(20)
  })

  it('rejects a malformed known-failures file with file:line and the field', () => {
    expect(() => parseKnownFailures('- scenario: x\n  outcome: maybe\n  reason: because it is broken\n  upstream: somewhere\n', 'kf.yaml'))
      .to.throw(KnownFailuresError, /kf\.yaml:2:\d+: \[0\]\.outcome: must be one of \["fail","flaky"\]/)
    expect(() => parseKnownFailures('- scenario: x\n  colour: red\n  outcome: fail\n  reason: because it is broken\n  upstream: somewhere\n', 'kf.yaml'))
      .to.throw(KnownFailuresError, /kf\.yaml:1:\d+: \[0\]: unknown field "colour"/)
    expect(() => parseKnownFailures('- scenario: x\n  outcome: fail\n', 'kf.yaml')).to.throw(KnownFailuresError, /must have required property 'reason'/)
  })

  it('matches entries by scenario, ordered pair and transport, and classifies outcomes', () => {
    const known = parseKnownFailures('- { scenario: s, impls: [ts, go], transport: tcp, outcome: fail, reason: a reason long enough, upstream: somewhere }\n', 'kf.yaml')
    const cell = (impls: [string, string], transport: 'quic' | 'tcp') => ({ scenario: { name: 's' }, impls: impls as ['ts', 'go'], transport })
    expect(knownFailureFor(known, cell(['ts', 'go'], 'tcp'))).to.not.equal(undefined)
    expect(knownFailureFor(known, cell(['go', 'ts'], 'tcp')), 'pairs are ordered').to.equal(undefined)
    expect(knownFailureFor(known, cell(['ts', 'go'], 'quic'))).to.equal(undefined)
    expect(classifyCell('fail', undefined)).to.equal('new-failure')
    expect(classifyCell('pass', known[0])).to.equal('unexpected-pass')
    expect(classifyCell('fail', known[0])).to.equal('known-failure')
    expect(classifyCell('unknown', known[0])).to.equal('known-failure')
    expect(classifyCell('pass', undefined)).to.equal('pass')
    expect(classifyCell('pass', { ...known[0]!, outcome: 'flaky' })).to.equal('flaky-known')
  })
})

describe('matrix run (real nodes)', function () {
  this.timeout(180_000)

  it('is red on a new failure and on an unexpected pass (a wrong known-failures file), green with the right one', async () => {
    const scenarios = [await loadScenario(fixture('tiny-pass')), await loadScenario(fixture('tiny-stock-fail'))]
    const cells = planMatrix(scenarios, { impls: ['ts'], transports: ['tcp'], seeds: 1 })
    const wrong = parseKnownFailures('- { scenario: tiny-pass, outcome: fail, reason: deliberately wrong for the test, upstream: nowhere }\n', 'wrong.yaml')
    const dir = await mkdtemp(join(tmpdir(), 'meshflap-matrix-'))
    const red = await runMatrix(cells, { dir, runtime: 'process', known: wrong })
    expect(red.cells.map(c => [c.scenario, c.class])).to.deep.equal([['tiny-pass', 'unexpected-pass'], ['tiny-stock-fail', 'new-failure']])
    expect(red.red).to.equal(true)
    const junit = await readFile(join(dir, 'junit.xml'), 'utf8')
    expect(junit.match(/<failure /g)).to.have.length(2)
    const json = JSON.parse(await readFile(join(dir, 'matrix.json'), 'utf8')) as { red: boolean, cells: unknown[] }
    expect(json.red).to.equal(true)
    expect(await readFile(join(dir, 'summary.html'), 'utf8')).to.include('report.html')

    // the truth: re-judge the same outcomes against the right file (the runs are what they were)
    const right = parseKnownFailures('- { scenario: tiny-stock-fail, outcome: fail, reason: the stock bearing-leg bug (docs/field-bugs.md class 2), upstream: js-libp2p gossipsub createOutboundStream }\n', 'right.yaml')
    const green = await runMatrix(cells, { dir: await mkdtemp(join(tmpdir(), 'meshflap-matrix-')), runtime: 'process', known: right })
    expect(green.cells.map(c => c.class)).to.deep.equal(['pass', 'known-failure'])
    expect(green.red).to.equal(false)
    expect(await readFile(join(green.dir, 'junit.xml'), 'utf8')).to.match(/<skipped message="known failure/)
  })
})
