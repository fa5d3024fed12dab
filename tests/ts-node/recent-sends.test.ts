/** The re-send window's bookkeeping, with an injected clock (pure logic; the races themselves run on real nodes). */
import { expect } from 'chai'
import { RecentSends } from '../../containers/ts-node/recent-sends.ts'

describe('RecentSends', () => {
  let now = 0
  const clock = (): number => now
  beforeEach(() => { now = 10_000 })

  it('takes what was written on other streams within the window before the close, oldest first', () => {
    const sent = new RecentSends<string, string>(2000, clock)
    sent.record('p', 's1', ['old']); now += 1000
    sent.record('p', 's1', ['m1', 'm2']); now += 500
    const closedAt = now + 1500
    now = closedAt + 300
    sent.record('p', 's2', ['on-new'])
    expect(sent.takeUnconfirmed('p', 's2', closedAt)).to.deep.equal(['m1', 'm2'])
  })

  it('forgets what it handed out, keeps what the current stream carries', () => {
    const sent = new RecentSends<string, string>(2000, clock)
    sent.record('p', 's1', ['m1'])
    sent.record('p', 's2', ['m2'])
    expect(sent.takeUnconfirmed('p', 's2', now)).to.deep.equal(['m1'])
    expect(sent.takeUnconfirmed('p', 's2', now)).to.deep.equal([])
    expect(sent.takeUnconfirmed('p', 's3', now)).to.deep.equal(['m2'])
  })

  it('keeps peers apart, ignores empty writes, drops entries far past the window', () => {
    const sent = new RecentSends<string, string>(100, clock)
    sent.record('p', 's1', [])
    expect(sent.peers()).to.deep.equal([])
    sent.record('p', 's1', ['a'])
    sent.record('q', 's1', ['b'])
    now += 5000
    sent.record('p', 's1', ['c'])
    expect(sent.takeUnconfirmed('p', 's2', 0)).to.deep.equal(['c'])
    expect(sent.takeUnconfirmed('q', 's2', now)).to.deep.equal([])
    sent.forget('q')
    expect(sent.peers()).to.deep.equal([])
  })
})
