/**
 * A node that reports no streams (`unreported: [streams]` in its ready, e.g. the Go peer with
 * `--no-stream-reports` or a black-box client) is judged from its peers' ends: A's outbound stream
 * to B is B's inbound stream from A. On every recorded history, silencing any one node leaves the
 * streams-survive and reopen-within verdicts as they were with full visibility; silencing both ends
 * of the pairs that matter leaves nothing to see them: `unknown`, never `pass`.
 */
import { expect } from 'chai'
import type { History } from '../../harness/history/types.ts'
import { indexHistory } from '../../harness/oracles/run-index.ts'
import { reopenWithin } from '../../harness/oracles/reopen-within.ts'
import { streamsSurvive } from '../../harness/oracles/streams-survive.ts'
import type { Verdict } from '../../harness/oracles/verdict.ts'
import { loadHistory } from './support/load-history.ts'

/** The history as it would be had `nodes` reported no streams (and said so in ready). */
function silence (history: History, nodes: readonly string[]): History {
  return history.flatMap(e => {
    if (e.kind !== 'node' || !nodes.includes(e.node)) return [e]
    if (e.type === 'stream_open' || e.type === 'stream_close') return []
    return e.type === 'ready' ? [{ ...e, unreported: ['streams'] }] : [e]
  })
}

function judgeStreams (h: History): Verdict[] {
  return [streamsSurvive(h, { kind: 'streams-survive', graceMs: 1000 }), reopenWithin(h, { kind: 'reopen-within', ms: 1000, graceMs: 500 })]
}

const HISTORIES = ['bearing-never-reopens', 'bearing-reopened', 'non-bearing-stream-killed']

describe('oracles: a node that reports no streams, judged from its peers\' ends', () => {
  for (const name of HISTORIES) {
    it(`${name}: silencing any one node changes no verdict and no starved direction`, () => {
      const full = loadHistory(name)
      // the same status, and findings on the same directions (a close both ends saw is one finding fewer)
      const summary = (v: Verdict): string => `${v.expectation} ${v.status} ${[...new Set(v.findings.map(f => f.direction))].sort().join(',')}`
      const want = judgeStreams(full).map(summary)
      for (const n of indexHistory(full).nodes.map(x => x.name)) {
        const got = judgeStreams(silence(full, [n])).map(summary)
        expect(got, `${name} with ${n} silent`).to.deep.equal(want)
      }
    })
  }

  it('a finding about a silent node names it and the peer that saw its stream', () => {
    const full = loadHistory('bearing-never-reopens')
    const failing = reopenWithin(full, { kind: 'reopen-within', ms: 1000, graceMs: 500 })
    expect(failing.status).to.equal('fail')
    const node = failing.findings[0]?.node as string
    const v = reopenWithin(silence(full, [node]), { kind: 'reopen-within', ms: 1000, graceMs: 500 })
    expect(v.findings[0]?.message).to.match(new RegExp(`as \\w saw it: ${node} does not report streams`))
  })

  it('negative control: with every node silent nothing can see the streams, and the verdicts are unknown, not pass', () => {
    for (const name of HISTORIES) {
      const full = loadHistory(name)
      const all = indexHistory(full).nodes.map(x => x.name)
      const [survive] = judgeStreams(silence(full, all))
      expect(survive?.status, name).to.equal('unknown')
      expect(survive?.summary, name).to.match(/reports legs but no gossip stream events .*nor do its peers/)
    }
  })
})
