/**
 * What counts as a run to rerun once, and how a run that stayed unknown (environment) shows in the
 * matrix: its own class, neither red nor pass, skipped in JUnit with what stalled.
 */
import { expect } from 'chai'
import { XMLParser } from 'fast-xml-parser'
import { judge } from '../../harness/oracles/judge.ts'
import type { Expectation } from '../../harness/oracles/expectation.ts'
import { classifyCell, isRed } from '../../harness/matrix/classify.ts'
import { renderMatrixJunit } from '../../harness/matrix/matrix-junit.ts'
import { matrixTable, type MatrixCellResult } from '../../harness/matrix/run-matrix.ts'
import { environmentWhat, isEnvironmentUnknown } from '../../harness/runner/environment-rerun.ts'
import type { RunResult } from '../../harness/runner/run-scenario.ts'
import type { Scenario } from '../../harness/scenario/types.ts'
import { composeStatus } from '../../harness/oracles/verdict.ts'
import { FOUR_NODES_32, HistoryBuilder, type DeliveryOverride } from '../oracles/support/history-builder.ts'
import { withSched } from '../oracles/support/sched-windows.ts'

const EXPECT: Expectation[] = [{ kind: 'delivery-gap', maxMs: 1000 }, { kind: 'coverage', fromSlot: 0 }]

function result (late: DeliveryOverride, stallAtMs?: number, endReason = 'completed'): RunResult {
  const b = new HistoryBuilder({
    scenario: 'env-rerun', slots: 8, validatorCount: 32,
    nodes: FOUR_NODES_32
  })
  b.mesh(-1500)
  for (let s = 0; s < 8; s++) b.slot(s, late)
  b.end(8200)
  const verdicts = judge(withSched(b.build(), stallAtMs === undefined ? [] : [{ source: 'harness', atMs: stallAtMs, lateMs: 900 }]), EXPECT)
  return { scenario: { name: 'env-rerun' } as Scenario, dir: 'runs/x', status: composeStatus(verdicts.map(v => v.status)), verdicts, reproduce: 'npx meshflap run x', wallMs: 1, endReason }
}

const allLate: DeliveryOverride = d => d.slot === 4 ? 1100 : undefined
const oneLost: DeliveryOverride = d => d.slot === 4 && d.publisher === 'A' && d.receiver === 'D' ? null : undefined

describe('rerun once when the machine stalled', () => {
  it('reruns a run whose every non-passing verdict the stall explains, nothing else', () => {
    const stalled = result(allLate, 4950)
    expect(isEnvironmentUnknown(stalled)).to.equal(true)
    expect(environmentWhat(stalled)).to.equal('the harness stalled up to 900 ms at +4.050s (slot 4)')
    expect(isEnvironmentUnknown(result(oneLost, 4950)), 'one direction lost: a fail').to.equal(false)
    expect(isEnvironmentUnknown(result(allLate)), 'no probe saw a stall: a fail').to.equal(false)
    expect(isEnvironmentUnknown(result(() => undefined, 4950)), 'a pass').to.equal(false)
    expect(isEnvironmentUnknown(result(allLate, 4950, 'interrupted')), 'an interrupted run is not rerun').to.equal(false)
  })

  it('the matrix counts a cell that stayed unknown (environment) apart: not red, not a pass, skipped in JUnit', () => {
    expect(classifyCell('unknown', undefined, true)).to.equal('environment')
    expect(classifyCell('unknown', { scenario: 's', impls: ['ts', 'go'], outcome: 'fail', reason: 'known bug of go', upstream: 'x/y#1' }, true)).to.equal('environment')
    expect(classifyCell('unknown', undefined, false), 'an unknown for any other reason stays red').to.equal('new-failure')
    expect(classifyCell('fail', undefined, true), 'a fail is a fail').to.equal('new-failure')
    expect(isRed('environment')).to.equal(false)
    const cell: MatrixCellResult = {
      key: 'pr278 ts>go quic seed 1', scenario: 'pr278', impls: ['ts', 'go'], transport: 'quic', seed: 1, status: 'unknown', class: 'environment',
      summary: 'unknown (environment: the harness stalled up to 900 ms at +4.050s (slot 4)), twice', dir: 'runs/x', reproduce: 'npx meshflap run x', wallMs: 1000, rerun: true
    }
    expect(matrixTable([cell])).to.match(/pr278\s+env-unknown/)
    const xml = new XMLParser({ ignoreAttributes: false }).parse(renderMatrixJunit([cell])) as { testsuites: { testsuite: { '@_skipped': string, testcase: { skipped: { '@_message': string } } } } }
    expect(xml.testsuites.testsuite['@_skipped']).to.equal('1')
    expect(xml.testsuites.testsuite.testcase.skipped['@_message']).to.equal('not judged: unknown (environment: the harness stalled up to 900 ms at +4.050s (slot 4)), twice')
  })
})
