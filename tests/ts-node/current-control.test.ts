/** What of a waiting RPC may still be sent (containers/ts-node/current-control.ts): pure. */
import { expect } from 'chai'
import { currentControl } from '../../containers/ts-node/current-control.ts'

const MARK = Symbol('mark')

describe('a waiting RPC keeps only the GRAFTs and PRUNEs that are still true', () => {
  const mesh = new Set(['t-in'])
  const inMesh = (t: string): boolean => mesh.has(t)

  it('drops a GRAFT for a mesh that no longer lists the peer and a PRUNE for one that lists it again', () => {
    const rpc = { subscriptions: [], messages: [], control: { graft: [{ topicID: 't-in' }, { topicID: 't-out' }], prune: [{ topicID: 't-in' }, { topicID: 't-out' }], ihave: [] }, [MARK]: true }
    const out = currentControl(rpc, inMesh)
    expect(out?.control).to.deep.equal({ graft: [{ topicID: 't-in' }], prune: [{ topicID: 't-out' }], ihave: [] })
    expect(out?.[MARK], 'markers (the mutant\'s) survive').to.equal(true)
  })

  it('nothing left: undefined; messages or subscriptions alone still go; no control: as it was', () => {
    expect(currentControl({ control: { graft: [{ topicID: 't-out' }], prune: [] } }, inMesh)).to.equal(undefined)
    expect(currentControl({ messages: [1], control: { graft: [{ topicID: 't-out' }] } }, inMesh)?.messages).to.deep.equal([1])
    const plain = { messages: [1] }
    expect(currentControl(plain, inMesh)).to.equal(plain)
  })
})
