/**
 * meshflap/chai on recorded histories (fixtures/histories/oracles/, see
 * tests/oracles/support/fixture-histories.ts for what each one holds): every
 * assertion passes on a history that shows the behaviour and fails on one that
 * does not, with the CLI verdict's words. No node is started; these run in ms.
 */
import * as chai from 'chai'
import { meshflapChai } from 'meshflap/chai'
import type { HistoryEntry } from 'meshflap'
import { loadHistory, truncate } from '../oracles/support/load-history.ts'
import { HistoryBuilder } from '../oracles/support/history-builder.ts'

chai.use(meshflapChai)
const { expect } = chai

/** The message of the AssertionError `fn` throws (fails the test when it does not throw). */
function failure (fn: () => void): string {
  try {
    fn()
  } catch (err) {
    expect(err, 'an AssertionError, not a crash').to.be.instanceOf(chai.AssertionError)
    return (err as Error).message
  }
  return expect.fail('the assertion passed, but it was expected to fail')
}

/** +2.700s, +0.100s, -1.400s: a time on the genesis clock, as every message writes it */
const AT = String.raw`[+-]\d+\.\d{3}s`

describe('meshflap/chai on recorded histories', () => {
  const clean = loadHistory('clean-run')
  const reopened = loadHistory('bearing-reopened')
  const neverReopens = loadHistory('bearing-never-reopens')
  const pr278 = loadHistory('non-bearing-stream-killed')

  describe('keepStreamsAcross (streams-survive)', () => {
    it('passes when streams on legs that were not faulted live on', () => {
      expect(reopened).to.keepStreamsAcross()
      expect(reopened).to.keepStreamsAcross('faults[0]')
    })

    it('fails on the PR #278 kill with stream, direction, leg, fault and its window', () => {
      const msg = failure(() => { expect(pr278).to.keepStreamsAcross() })
      const lines = msg.split('\n')
      expect(lines[0]).to.match(/^streams-survive: failed: 2 finding\(s\); first: /)
      expect(lines[1]).to.match(new RegExp(
        String.raw`^  - A's outbound gossip stream \S+ to B \(A->B\) on leg A>B \(A's connection \S+\) closed at ${AT} \(slot 2\) ` +
        String.raw`\(error: persistent gossip stream destroyed on leg close\) while fault faults\[0\]#1 \(down on B>A, non-bearing-of: A \(A,B\)\) ` +
        String.raw`was in force, ${AT}\.\.${AT} \(slots 2-3\); leg A>B was not faulted`))
      expect(lines[2]).to.match(/^ {2}- B's inbound gossip stream \S+ from A \(A->B\) on leg A>B/)
      expect(lines, 'no history path for a bare history').to.have.length(3)
    })

    it('a label matches that fault and its repetitions ("label#1"), and only those', () => {
      expect(failure(() => { expect(pr278).to.keepStreamsAcross('faults[0]') }))
        .to.match(/^streams-survive across "faults\[0\]": failed: 2 finding\(s\)/)
      // another label's window holds no fault: nothing to judge is a failure, never a silent pass
      expect(failure(() => { expect(pr278).to.keepStreamsAcross('faults[0]#2') }))
        .to.equal('streams-survive across "faults[0]#2": could not be judged: cannot judge: no fault was applied in the judged window')
      expect(failure(() => { expect(pr278).to.keepStreamsAcross('faults[') }), 'a prefix is not a label').to.match(/could not be judged/)
    })

    it('fails when no fault was applied at all (nothing was tested)', () => {
      expect(failure(() => { expect(clean).to.keepStreamsAcross() })).to.match(/^streams-survive: could not be judged: cannot judge: no fault was applied/)
    })
  })

  describe('reopenWithin (reopen-within)', () => {
    it('passes when every stream a fault closed came back on the surviving leg', () => {
      expect(reopened).to.reopenWithin(1000)
      expect(reopened).to.reopenWithin(10)
    })

    it('fails on the stock behaviour, one line per starved direction', () => {
      const msg = failure(() => { expect(neverReopens).to.reopenWithin(1000) })
      const lines = msg.split('\n')
      expect(lines[0]).to.match(/^reopen-within 1000 ms: failed: 3 finding\(s\); first: A->B: /)
      for (const [i, x] of ['B', 'C', 'D'].entries()) {
        expect(lines[i + 1]).to.match(new RegExp(
          String.raw`^  - A->${x}: A's outbound gossip stream \S+ to ${x} on leg A>${x} closed at \+2\.700s \(slot 2\) when fault faults\[0\] hit that leg; ` +
          String.raw`${x}>A \(${x}'s connection \S+, A's \S+\) was live throughout the next 1000 ms, but no outbound gossip stream to ${x} was opened again ` +
          String.raw`before the run ended \(\+8\.000s \(slot 8\)\) \(limit 1000 ms\)$`))
      }
    })

    it('fails when the reopen took longer than the bound', () => {
      // bearing-reopened reopens 5 ms after the close
      expect(failure(() => { expect(reopened).to.reopenWithin(4) })).to.match(/^reopen-within 4 ms: failed: 3 finding\(s\)/)
    })
  })

  describe('unwedgeWithin (unwedge-within)', () => {
    // A's stream to B on A>B, a stall on A>B from +1.3 s to +7.3 s (written by hand: tests/oracles/unwedge-within.test.ts)
    const stalled = (moved: boolean): HistoryEntry[] => {
      const b = new HistoryBuilder({ scenario: 'unwedge', slots: 10, validatorCount: 4, nodes: [{ name: 'A', validators: [0, 1] }, { name: 'B', validators: [2, 3], aggregator: true }] })
      b.mesh(-1500)
      b.fault('faults[0]', 'stall', 'apply', 'A>B', 1300)
      if (moved) { b.closeLeg('A>B', 3500, 'wedged: no round trip on the leg in 2000 ms'); b.openStream('A', 'B', 'B>A', 3600) }
      b.fault('faults[0]', 'stall', 'heal', 'A>B', 7300)
      b.end(10_200)
      return [...b.build()]
    }

    it('passes when the wedged stream moved to the other leg in time; fails when it stayed, naming stream, leg and limit', () => {
      expect(stalled(true)).to.unwedgeWithin(5000)
      const msg = failure(() => { expect(stalled(false)).to.unwedgeWithin(5000) })
      expect(msg).to.match(/^unwedge-within 5000 ms: a stream a stall wedged moves to another leg: failed: 1 finding\(s\)/)
      expect(msg).to.include('on leg A>B wedged at +1.300s (slot 1)')
      expect(failure(() => { expect(stalled(true)).to.unwedgeWithin(2000) })).to.include('2300 ms later (limit 2000 ms)')
    })
  })

  describe('holdQuorum (coverage)', () => {
    it('passes when the aggregator has quorum every slot', () => {
      expect(clean).to.holdQuorum()
      expect(reopened).to.holdQuorum({ from: 0 })
    })

    it('fails with the field log line: coverage=NN/8 late=... diff=+0/-N, and who is missing', () => {
      const msg = failure(() => { expect(neverReopens).to.holdQuorum({ from: 0 }) })
      expect(msg.split('\n')[1]).to.equal(
        '  - D: coverage below 6/8 in slots 3-7: slot 3 coverage=5/8 late=none diff=+0/-3, slot 7 coverage=5/8 late=none diff=+0/-0; missing at slot 3: 3 of A\'s 3 (0-2, A->D)')
      expect(msg.split('\n')[0]).to.match(/^coverage >= quorum every slot from slot 0: failed: 1 finding\(s\)/)
    })

    it('late arrivals show as late=N, not as lost', () => {
      expect(failure(() => { expect(loadHistory('late-arrivals')).to.holdQuorum() })).to.match(/slot 3 coverage=5\/8 late=3 diff=\+0\/-3/)
    })

    it('from, min and withinSlotsAfterFault narrow what is judged', () => {
      expect(neverReopens).to.holdQuorum({ min: 5 })
      expect(failure(() => { expect(neverReopens).to.holdQuorum({ from: 4 }) })).to.match(/^coverage >= quorum every slot from slot 4: failed/)
      expect(failure(() => { expect(neverReopens).to.holdQuorum({ withinSlotsAfterFault: 1 }) }))
        .to.match(/^coverage >= quorum every slot from slot 0, back within 1 slot\(s\) after each fault: failed/)
      expect(loadHistory('late-arrivals')).to.holdQuorum({ withinSlotsAfterFault: 1 })
    })

    it('a live devnet is judged up to its current slot', () => {
      expect(truncate(neverReopens, 2900)).to.holdQuorum()
      expect(failure(() => { expect(truncate(neverReopens, 4500)).to.holdQuorum() })).to.match(/slot 3 coverage=5\/8 late=none diff=\+0\/-3/)
    })
  })

  describe('deliverWithin (delivery-gap)', () => {
    it('passes when every direction (or the one asked) has deliveries at least every bound', () => {
      expect(clean).to.deliverWithin(1000)
      expect(reopened).to.deliverWithin(1000, { from: 'A', to: 'D' })
      expect(neverReopens).to.deliverWithin(1000, { from: 'B', to: 'D' })
    })

    it('one direction: the message names only it, with its gap, window and the legs that were live', () => {
      const msg = failure(() => { expect(neverReopens).to.deliverWithin(1000, { from: 'A', to: 'D' }) })
      const lines = msg.split('\n')
      expect(lines[0]).to.match(/^delivery-gap <= 1000 ms \(A->D\): failed: 1 finding\(s\); first: A->D: /)
      expect(lines[1]).to.equal('  - A->D: no attestation of A\'s validators reached D for 6000 ms, +2.000s..+8.000s (slots 2-7) (until the end of the judged window), ' +
        '6000 ms of it while they had a live leg: D>A live 6000 ms (D\'s connection dc19, A\'s ac20), A>D live 100 ms (A\'s connection ac5, D\'s dc6)')
      expect(msg, 'other directions are left out').not.to.match(/A->B|A->C/)
    })

    it('every direction: all starved directions', () => {
      const msg = failure(() => { expect(neverReopens).to.deliverWithin(1000) })
      expect(msg).to.match(/^delivery-gap <= 1000 ms: failed: 3 finding\(s\)/).and.match(/A->B/).and.match(/A->C/).and.match(/A->D/)
    })

    it('a node that crashed fails every direction, as in the CLI', () => {
      expect(failure(() => { expect(loadHistory('crash-mid-run')).to.deliverWithin(1000, { from: 'A', to: 'D' }) }))
        .to.match(/^delivery-gap <= 1000 ms \(A->D\): failed: 1 finding\(s\); first: node B exited unexpectedly at \+3\.500s \(slot 3\)/)
      expect(failure(() => { expect(loadHistory('never-ready')).to.deliverWithin(1000, { from: 'A', to: 'D' }) }))
        .to.match(/node C never became ready/)
    })
  })

  describe('subjects and negation', () => {
    it('.not inverts, with a message that says what passed', () => {
      expect(neverReopens).not.to.reopenWithin(1000)
      expect(failure(() => { expect(reopened).not.to.reopenWithin(1000) })).to.match(/^expected reopen-within 1000 ms to fail, but it passed: /)
    })

    it('a Devnet-like subject is judged through history() and its failures point at the history file', () => {
      const devnetLike = { history: (): readonly HistoryEntry[] => neverReopens, dir: 'runs/example-run' }
      expect(failure(() => { expect(devnetLike).to.holdQuorum() }).split('\n').at(-1))
        .to.equal('  history: runs/example-run/history.ndjson (npx meshflap report <dir> renders it)')
    })

    it('anything else is a TypeError, not a verdict', () => {
      expect(() => { expect({ nodes: [] }).to.holdQuorum() }).to.throw(TypeError, /need a Devnet or a history/)
    })
  })
})
