/**
 * The client example suite (fixtures/examples/) as a client runs it: green
 * against the leg-aware TS node standing in for "their" node, and the SAME
 * suite against the stock policy fails with the CLI verdicts' words. Each run
 * is a separate mocha process from a temp directory (tests/library/example-suite.ts).
 */
import { expect } from 'chai'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { processesMentioning, runExampleSuite } from './example-suite.ts'
import type { ExampleRun, ReportedTest } from './example-suite.ts'

const RUN_TIMEOUT_MS = 180_000

const TITLES = {
  nonBearing: 'keeps its gossip streams while a non-bearing leg flaps',
  reopen: 'reopens its outbound stream on the surviving leg within 1 s when the bearing leg goes down',
  quorum: 'the aggregator holds quorum while A\'s bearing leg is down'
} as const

/** +1.813s: a time on the genesis clock as every message writes it */
const AT = String.raw`[+-]\d+\.\d{3}s`
const NODE = '[ABC]'
const LEG = `${NODE}>${NODE}`

function testOf (run: ExampleRun, title: string): ReportedTest {
  const t = run.tests.find(x => x.title === title)
  if (t == null) expect.fail(`no test "${title}" in the example suite's report (tests: ${run.tests.map(x => x.title).join(' | ')})`)
  return t
}

function failed (t: ReportedTest): boolean {
  return t.err.message != null
}

/** The message names a history file, and that file exists (under the run's cwd). */
function expectHistoryLine (run: ExampleRun, message: string): void {
  const m = /\n {2}history: (runs\/client-example-seed7-\S+\/history\.ndjson) \(npx meshflap report <dir> renders it\)$/.exec(message)
  expect(m, `a history line at the end of:\n${message}`).to.not.equal(null)
  expect(existsSync(join(run.cwd, m![1]!)), `${m![1]} exists under ${run.cwd}`).to.equal(true)
}

function expectNothingLeft (run: ExampleRun): void {
  expect(processesMentioning(run.cwd), `processes of the example's devnets still running after mocha exited`).to.deep.equal([])
}

describe('library: the client example suite (fixtures/examples)', function () {
  this.timeout(RUN_TIMEOUT_MS + 20_000)

  it('runs green against the leg-aware TS node as "their" external node', async () => {
    const run = await runExampleSuite({ timeoutMs: RUN_TIMEOUT_MS })
    const failures = run.tests.filter(failed).map(t => `${t.title}:\n${t.err.message ?? ''}`)
    expect(failures, 'failed tests').to.deep.equal([])
    expect(run.stats.passes, 'every test of the example ran and passed').to.equal(Object.keys(TITLES).length)
    expect(run.code, 'mocha exit code').to.equal(0)
    expectNothingLeft(run)
    for (const t of run.tests) expect(t.duration ?? 0, `${t.title}: a few seconds, not a minute`).to.be.below(30_000)
  })

  it('the same suite fails against the stock policy, with the verdicts\' words', async () => {
    const run = await runExampleSuite({ policy: 'stock', timeoutMs: RUN_TIMEOUT_MS })
    expect(run.code, 'mocha exit code = number of failed tests').to.equal(run.stats.failures)
    expectNothingLeft(run)

    // bearing leg down: stock never reopens the stream although the pair's other leg is up
    const reopen = testOf(run, TITLES.reopen)
    expect(failed(reopen), `"${TITLES.reopen}" must fail on stock`).to.equal(true)
    const r = reopen.err.message!
    // every node is stock, so B's and C's streams on the downed legs (when they shared them) starve too
    expect(r, r).to.match(new RegExp(String.raw`^reopen-within 1000 ms: failed: \d+ finding\(s\); first: ${NODE}->${NODE}: `))
    expect(r, r).to.match(new RegExp(
      String.raw`\n  - A->(${NODE}): A's outbound gossip stream \S+ to \1 on leg (${LEG}) closed at ${AT} \(slot [12]\) when fault test-fault-1 hit that leg; ` +
      String.raw`(${LEG}) \(\S+ connection \S+, \S+ \S+\) was live throughout the next 1000 ms, but ` +
      // never (the leg is still down when the test asserts), or only on the redialed leg after the heal
      String.raw`(no outbound gossip stream to \1 was opened again before the run ended \(${AT} \(slot \d+\)\)|` +
      String.raw`the next outbound stream to \1 \(\S+ on ${LEG}\) opened only at ${AT} \(slot \d+\), \d+ ms later) \(limit 1000 ms\)`))
    expectHistoryLine(run, r)

    // the same fault starves the aggregator of A's 12 validators: the field's +0/-12
    const quorum = testOf(run, TITLES.quorum)
    expect(failed(quorum), `"${TITLES.quorum}" must fail on stock`).to.equal(true)
    const q = quorum.err.message!
    expect(q, q).to.match(/^coverage >= quorum every slot from slot 0: failed: 1 finding\(s\); first: C: coverage below 22\/32 in slots? \d+/)
    const line = /\n {2}- C: coverage below 22\/32 in slots? [\d-]+: slot (\d+) coverage=(\d+)\/32 late=(none|\d+) diff=\+0\/-(\d+)(, slot \d+ coverage=\d+\/32 late=\S+ diff=\+\d+\/-\d+)?; missing at slot (\d+): (.*)\n/.exec(q)
    expect(line, `the coverage line in:\n${q}`).to.not.equal(null)
    const [, slot, coverage, late, lost, , missingSlot, missing] = line!
    expect(Number(coverage), 'C keeps its own 10 and B\'s 10').to.equal(20)
    expect(late, 'nothing late: not delivered at all').to.equal('none')
    expect(Number(lost), 'A\'s 12 validators lost at once').to.equal(12)
    expect(missingSlot).to.equal(slot)
    expect(missing).to.equal('12 of A\'s 12 (0-11, A->C)')
    expectHistoryLine(run, q)

    // a non-bearing flap: stock keeps the stream on the legs that stay up, unless the flapped leg
    // carried the peer's stream to A (stock then drops the peer on the inbound error); which leg
    // bears what is the dial race's choice, so this one may pass. When it fails, it says where.
    const FLAP = String.raw`non-bearing flap#[12] \(down on ${LEG}, non-bearing-of: A \(A,[BC]\)\) was (in force|within grace after its heal), ${AT}\.\.${AT} \(slots? [\d-]+\)`
    const nonBearing = testOf(run, TITLES.nonBearing)
    if (failed(nonBearing)) {
      const n = nonBearing.err.message!
      expect(n, n).to.match(/^streams-survive across "non-bearing flap": failed: \d+ finding\(s\); first: /)
      expect(n, n).to.match(new RegExp(
        String.raw`\n  - ${NODE}'s (outbound|inbound) gossip stream \S+ (to|from) ${NODE} \(${NODE}->${NODE}\) on leg (${LEG}) \(${NODE}'s connection \S+\) closed at ${AT} \(slot \d+\) .*` +
        // one fault explains the close, or several (a flap's next cycle in force, its last still within grace): each is named
        String.raw`while (fault |\d+ faults could explain it: (${FLAP}; )*)${FLAP}; leg \3 was not faulted`))
      expectHistoryLine(run, n)
    }
    expect(run.stats.failures, 'failed tests').to.equal(failed(nonBearing) ? 3 : 2)
  })
})
