/**
 * A failed verdict whose findings have two different excuses, some a machine
 * stall and the others a QUIC leg whose death its nodes could not detect in
 * time, is unknown for both; take either away and it fails again.
 * Recorded: go-topics-forgotten with two TS nodes on QUIC in the default matrix at load 20.
 */
import { expect } from 'chai'
import { join } from 'node:path'
import type { History } from '../../harness/history/types.ts'
import { judge } from '../../harness/oracles/judge.ts'
import type { Expectation } from '../../harness/oracles/expectation.ts'
import { readHistory } from '../../harness/report/read-history.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'

const GAP: Expectation[] = [{ kind: 'delivery-gap', maxMs: 2000 }]

describe('oracles: a stall and a slow leg death explaining one verdict together', () => {
  let recorded: History
  before(async () => { recorded = await readHistory(join(PROJECT_ROOT, 'fixtures', 'histories', 'go-topics-forgotten-ts-quic-load20.ndjson')) })

  it('delivery-gap: slots 3-4 inside B>A\'s undetected death, slots 7-8 inside the harness stall: unknown for both reasons', () => {
    const [v] = judge(recorded, GAP)
    expect(v?.status).to.equal('unknown')
    expect(v?.findings).to.have.length(2)
    expect(v?.environment?.explained).to.equal(1)
    expect(v?.slowLegDeath?.explained).to.equal(1)
    expect(v?.summary).to.match(/^environment: the harness stalled up to 329 ms .* node B \(ts\) cannot detect leg loss within 1200 ms/)
  })

  it('negative control: without the stall probes, the leg death alone does not cover the second finding: fail', () => {
    const bare = recorded.filter(e => e.kind !== 'harness_sched' && !(e.kind === 'node' && e.type === 'sched'))
    expect(judge(bare, GAP)[0]?.status).to.equal('fail')
  })

  it('negative control: with the idle timeout recorded as 3 s (leg death then in time), the first finding is the code\'s: fail', () => {
    const patient = recorded.map(e => e.kind === 'run_start'
      ? { ...e, resolved: { ...(e.resolved as object), quic: { maxIdleTimeoutMs: 3000, keepAliveIntervalMs: 150 } } }
      : e)
    expect(judge(patient, GAP)[0]?.status).to.equal('fail')
  })
})
