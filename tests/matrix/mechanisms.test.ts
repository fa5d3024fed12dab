/**
 * Failure mechanisms over built histories: each explains the failed directions its investigation
 * describes, and nothing else; a run is known through them only when every failed finding is
 * explained, and a listed cell that fails another way stays red.
 */
import { expect } from 'chai'
import type { History, LegName, RunNode } from '../../harness/history/types.ts'
import { classifyRun } from '../../harness/matrix/classify-run.ts'
import { parseKnownFailures, KnownFailuresError } from '../../harness/matrix/known-failures.ts'
import { explainRun } from '../../harness/matrix/mechanisms/explain-run.ts'
import type { Expectation } from '../../harness/oracles/expectation.ts'
import { judge } from '../../harness/oracles/judge.ts'
import { composeStatus } from '../../harness/oracles/verdict.ts'
import { HistoryBuilder } from '../oracles/support/history-builder.ts'

const EXPECT: Expectation[] = [{ kind: 'delivery-gap', maxMs: 1500 }]
const pair = (a: RunNode['impl'], b: RunNode['impl']): HistoryBuilder => new HistoryBuilder({
  scenario: 'mech', slots: 8, validatorCount: 4, nodes: [{ name: 'A', validators: [0, 1], impl: a }, { name: 'B', validators: [2, 3], aggregator: true, impl: b }]
})
const slots = (b: HistoryBuilder, from: number, to: number, cut?: string): void => {
  for (let s = from; s <= to; s++) b.slot(s, cut === undefined ? undefined : d => `${d.publisher}->${d.receiver}` === cut ? null : undefined)
}

/** A's only stream to B rode A>B; the leg dies at +2.7 s and A opens none on B>A until +6.5 s. */
function streamNotReopened (impl: RunNode['impl']): History {
  const b = pair(impl, 'ts')
  b.mesh(-1500)
  slots(b, 0, 2)
  b.fault('faults[0]', 'down', 'apply', 'A>B', 2100, 'bearing-of: A (A,B)')
  b.closeLeg('A>B', 2700)
  slots(b, 3, 6)
  b.openStream('A', 'B', 'B>A' as LegName, 6500)
  slots(b, 7, 7)
  b.end(8300)
  return b.build()
}

/** Go A stops sending to B from slot 3 while both legs and streams stay up (its publishes name nobody). */
function goForgets (): History {
  const b = pair('go', 'ts')
  b.mesh(-1500)
  slots(b, 0, 2)
  slots(b, 3, 7, 'A->B')
  b.end(8300)
  return b.build().map(e => e.kind === 'node' && e.node === 'A' && e.type === 'msg_published' && e.slot >= 3 ? { ...e, recipients: [] } : e)
}

/** Go A resets Rust B's stream for a newer one at +2.5 s, and B's attestations stop reaching A. */
function goResetsRust (): History {
  const b = pair('go', 'rust')
  b.mesh(-1500)
  slots(b, 0, 2)
  b.closeStream('B', 'A', 2500, 'replaced by a newer inbound stream')
  b.openStream('B', 'A', 'B>A' as LegName, 2501)
  slots(b, 3, 7, 'B->A')
  b.end(8300)
  return b.build()
}

const run = (history: History) => {
  const verdicts = judge(history, EXPECT)
  return { history, verdicts, status: composeStatus(verdicts.map(v => v.status)) }
}

describe('matrix: failure mechanisms', () => {
  it('rust-stream-not-reopened explains a Rust sender connected without a stream, not a TS one', () => {
    const rust = run(streamNotReopened('rust'))
    expect(rust.status).to.equal('fail')
    const lines = explainRun(rust.history, rust.verdicts, ['rust-stream-not-reopened'])
    expect(lines?.get('rust-stream-not-reopened')?.[0]).to.match(/^A \(rust\) was connected to B without an outbound stream for 3\d{3} ms$/)
    expect(explainRun(rust.history, rust.verdicts, ['go-forgets-peer-topics', 'go-resets-rust-streams'])).to.equal(undefined)
    const ts = run(streamNotReopened('ts'))
    expect(ts.status).to.equal('fail')
    expect(explainRun(ts.history, ts.verdicts, ['rust-stream-not-reopened'])).to.equal(undefined)
  })

  it('go-forgets-peer-topics explains a Go publisher that left a connected receiver out for two slots or more', () => {
    const go = run(goForgets())
    expect(go.status).to.equal('fail')
    expect(explainRun(go.history, go.verdicts, ['go-forgets-peer-topics'])?.get('go-forgets-peer-topics')?.[0])
      .to.match(/^A \(go\) left B out of its last \d+ publish\(es\) in the window \(slots 3-7\) while connected to it$/)
    expect(explainRun(go.history, go.verdicts, ['rust-stream-not-reopened'])).to.equal(undefined)
  })

  it('go-resets-rust-streams explains a direction between the Go node and the Rust node whose stream it reset', () => {
    const reset = run(goResetsRust())
    expect(reset.status).to.equal('fail')
    expect(explainRun(reset.history, reset.verdicts, ['go-resets-rust-streams'])?.get('go-resets-rust-streams')).to.deep.equal(['A (go) reset 1 inbound stream(s) of B (rust)'])
    // the same failure between two Go nodes is not this mechanism
    const goGo = goResetsRust().map(e => e.kind === 'run_start' ? { ...e, nodes: e.nodes.map(n => ({ ...n, impl: 'go' as const })) } : e)
    const r = run(goGo)
    expect(explainRun(r.history, r.verdicts, ['go-resets-rust-streams'])).to.equal(undefined)
  })

  it('a cell known by a mechanism is known only for runs that show it; a plain entry still covers the cell; a pass stays a pass', () => {
    const known = parseKnownFailures(`
- { scenario: '*', mechanism: rust-stream-not-reopened, outcome: flaky, reason: the Rust stream is not reopened, upstream: libp2p-gossipsub handler.rs }
- { scenario: plain, impls: [ts, ts], outcome: flaky, reason: listed by cell for the test, upstream: nowhere }
`, 'k.yaml')
    const cell = { impls: ['rust', 'ts'] as ['rust', 'ts'], transport: 'quic' as const, scenario: { name: 'mech' } }
    const shown = classifyRun(cell, known, run(streamNotReopened('rust')))
    expect(shown.class).to.equal('flaky-known')
    expect(shown.why).to.match(/^rust-stream-not-reopened: A \(rust\) was connected to B/)
    expect(classifyRun({ ...cell, impls: ['ts', 'ts'] }, known, run(streamNotReopened('ts'))).class).to.equal('new-failure')
    expect(classifyRun({ ...cell, impls: ['ts', 'ts'], scenario: { name: 'plain' } }, known, run(streamNotReopened('ts'))).class).to.equal('flaky-known')
    const clean = pair('rust', 'ts')
    clean.mesh(-1500)
    slots(clean, 0, 7)
    clean.end(8300)
    expect(classifyRun(cell, known, run(clean.build())).class).to.equal('pass')
  })

  it('known-failures: "*" needs a mechanism, and a mechanism must be one the harness knows', () => {
    expect(() => parseKnownFailures("- { scenario: '*', outcome: flaky, reason: hides every failure, upstream: nowhere }\n", 'k.yaml'))
      .to.throw(KnownFailuresError, /^k\.yaml:1:15: \[0\]\.scenario: "\*" \(every scenario\) needs a mechanism the run must show/)
    expect(() => parseKnownFailures("- { scenario: x, mechanism: gremlins, outcome: flaky, reason: no such thing here, upstream: nowhere }\n", 'k.yaml'))
      .to.throw(KnownFailuresError, /\[0\]\.mechanism: must be one of \["go-resets-rust-streams","go-forgets-peer-topics","rust-stream-not-reopened"\]/)
  })
})
