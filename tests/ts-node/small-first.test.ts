/**
 * At a reopen, what waited goes out small messages first (containers/ts-node/small-first.ts): an
 * aggregator's attestations must not queue behind the blocks re-sent from the dead stream.
 */
import { expect } from 'chai'
import { BULKY_BYTES, smallFirst } from '../../containers/ts-node/small-first.ts'
import type { WaitingRpc } from '../../containers/ts-node/current-control.ts'

const att = (n: number): { topic: string, data: Uint8Array } => ({ topic: `att-${n}`, data: new Uint8Array(120) })
const block = (n: number): { topic: string, data: Uint8Array } => ({ topic: `block-${n}`, data: new Uint8Array(BULKY_BYTES * 32) })
const topics = (rpcs: Array<{ messages?: unknown[] }>): string[][] => rpcs.map(r => (r.messages ?? []).map(m => (m as { topic: string }).topic))

describe('ts-node: small messages first at a reopen', () => {
  it('every small message before any block, each kind in its first order; control stays with its RPC\'s small part', () => {
    const graft = { graft: [{ topicID: 't' }], prune: [] }
    const lost = { subscriptions: [], messages: [block(21), att(21), block(22), att(22)] }
    const held = { subscriptions: [{ subscribe: true, topicID: 't' }], messages: [block(23), att(23)], control: graft }
    const out = smallFirst<WaitingRpc>([lost, held])
    expect(topics(out)).to.deep.equal([['att-21', 'att-22'], ['att-23'], ['block-21', 'block-22'], ['block-23']])
    expect(out[1]?.control).to.equal(graft)
    expect(out[1]?.subscriptions).to.deep.equal(held.subscriptions)
    expect(out[2]?.control).to.equal(undefined)
  })

  it('leaves RPCs without blocks as they are, and drops nothing', () => {
    const a = { subscriptions: [], messages: [att(1), att(2)] }
    const b = { subscriptions: [], messages: [block(3)] }
    const out = smallFirst([a, b])
    expect(out[0]).to.equal(a)
    expect(topics(out)).to.deep.equal([['att-1', 'att-2'], ['block-3']])
    expect(smallFirst([])).to.deep.equal([])
  })
})
