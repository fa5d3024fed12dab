/**
 * resolveTarget on /v1/status snapshots: the bearing leg is the one whose
 * connection at A holds A's gossip outbound stream to B, whichever way it was
 * dialed; when the snapshot cannot tell, it says so.
 */
import { expect } from 'chai'
import { resolveTarget, selectorText } from '../../harness/scenario/resolve-target.ts'
import { seededRng } from '../../harness/scenario/seeded-rng.ts'
import { statusSnapshot, type LegView, type StatusView } from '../../harness/scenario/status-snapshot.ts'
import type { Target } from '../../harness/scenario/types.ts'
import type { LegName } from '../../harness/history/types.ts'

const nodes = [{ name: 'A', peerId: 'pA' }, { name: 'B', peerId: 'pB' }, { name: 'C', peerId: 'pC' }]
const conn = (id: string, peer: string, direction: 'outbound' | 'inbound', gossip: Array<'outbound' | 'inbound'> = [], openedAt = 1): LegView => ({
  id, peer, direction, openedAt, streams: gossip.map((g, i) => ({ id: `${id}/s${i}`, protocol: '/meshsub/1.2.0', direction: g, gossip: g }))
})
const status = (name: string, legs: LegView[]): StatusView => ({ name, peerId: `p${name}`, legs })

// A's stream to B rides A>B (A dialed); B's stream to A rides the other leg, A's inbound "a-in-b" = B>A
const A = status('A', [conn('a-out-b', 'pB', 'outbound', ['outbound']), conn('a-in-b', 'pB', 'inbound', ['inbound']),
  conn('a-out-c', 'pC', 'outbound', ['inbound']), conn('a-in-c', 'pC', 'inbound', ['outbound'])])
const B = status('B', [conn('b-in-a', 'pA', 'inbound', ['inbound']), conn('b-out-a', 'pA', 'outbound', ['outbound']),
  conn('b-out-c', 'pC', 'outbound', ['outbound', 'inbound'])])
const C = status('C', [conn('c-in-a', 'pA', 'inbound', ['outbound']), conn('c-out-a', 'pA', 'outbound', ['inbound']), conn('c-in-b', 'pB', 'inbound', ['outbound', 'inbound'])])
const snap = statusSnapshot(nodes, [A, B, C])
const rng = seededRng(1)
const legsOf = (t: Target, s = snap) => resolveTarget(t, s, rng).legs.map(l => l.leg)

describe('scenario: resolveTarget', () => {
  it('bearing-of: A (A,B) is A>B when A\'s outbound gossip stream is on A\'s outbound connection, with both ends\' connection ids', () => {
    const r = resolveTarget({ kind: 'role', role: 'bearing', of: 'A', pair: ['A', 'B'] }, snap, rng)
    expect(r.unresolved).to.deep.equal([])
    expect(r.legs).to.have.length(1)
    expect(r.legs[0]).to.deep.include({ leg: 'A>B', dialer: 'A', listener: 'B', dialerLeg: 'a-out-b', listenerLeg: 'b-in-a', selector: 'bearing-of: A (A,B)' })
    expect(r.legs[0]?.why).to.include('a-out-b/s0')
  })

  it('bearing-of: A (A,C) is C>A when the stream rides the connection C dialed', () => {
    const r = resolveTarget({ kind: 'role', role: 'bearing', of: 'A', pair: ['C', 'A'] }, snap, rng)
    expect(r.legs[0]).to.deep.include({ leg: 'C>A', dialerLeg: 'c-out-a', listenerLeg: 'a-in-c', selector: 'bearing-of: A (A,C)' })
  })

  it('non-bearing-of is the pair\'s other leg, judged per direction', () => {
    expect(legsOf({ kind: 'role', role: 'non-bearing', of: 'A', pair: ['A', 'B'] })).to.deep.equal(['B>A'])
    expect(legsOf({ kind: 'role', role: 'non-bearing', of: 'B', pair: ['A', 'B'] })).to.deep.equal(['A>B'])
    expect(legsOf({ kind: 'role', role: 'non-bearing', of: 'A', pair: ['A', 'C'] })).to.deep.equal(['A>C'])
  })

  it('without a pair, a role covers every peer of the node', () => {
    expect(legsOf({ kind: 'role', role: 'bearing', of: 'A' })).to.deep.equal(['A>B', 'C>A'])
    expect(legsOf({ kind: 'role', role: 'outbound', of: 'B' })).to.deep.equal(['B>A', 'B>C'])
    expect(legsOf({ kind: 'role', role: 'inbound', of: 'B' })).to.deep.equal(['A>B', 'C>B'])
  })

  it('a node that reports no streams: its bearing leg is read from the peer that reads its stream, the same legs as with full visibility', () => {
    // A silent: its legs list no streams; B reads A's stream on b-in-a (A dialed), C reads it on c-out-a (C dialed)
    const bare = (v: StatusView): StatusView => ({ ...v, unreported: ['streams'], legs: v.legs.map(l => ({ ...l, streams: [] })) })
    const silentA = statusSnapshot(nodes, [bare(A), B, C])
    for (const role of ['bearing', 'non-bearing'] as const) {
      expect(legsOf({ kind: 'role', role, of: 'A' }, silentA), role).to.deep.equal(legsOf({ kind: 'role', role, of: 'A' }))
    }
    const r = resolveTarget({ kind: 'role', role: 'bearing', of: 'A', pair: ['A', 'B'] }, silentA, rng)
    expect(r.legs[0]?.why).to.include("as B sees it: B reads it as stream b-in-a/s0 on B's connection b-in-a; A does not report streams")
    // both ends silent: nothing can tell
    const both = statusSnapshot(nodes, [bare(A), bare(B), C])
    expect(resolveTarget({ kind: 'role', role: 'bearing', of: 'A', pair: ['A', 'B'] }, both, rng).unresolved[0]?.reason)
      .to.equal('A does not report streams and B does not report streams either: cannot tell which leg holds A\'s outbound gossip stream to B')
  })

  it('says so instead of guessing when the snapshot cannot tell', () => {
    // B and C share one connection (B>C); C dialed none to B: C's stream to B is on "c-in-b", B's on "b-out-c"
    expect(legsOf({ kind: 'role', role: 'bearing', of: 'C', pair: ['B', 'C'] })).to.deep.equal(['B>C'])
    const noStream = statusSnapshot(nodes, [status('A', [conn('a-out-b', 'pB', 'outbound', ['inbound'])]), B, C])
    const r = resolveTarget({ kind: 'role', role: 'non-bearing', of: 'A', pair: ['A', 'B'] }, noStream, rng)
    expect(r.legs).to.deep.equal([])
    expect(r.unresolved).to.deep.equal([{ pair: ['A', 'B'], selector: 'non-bearing-of: A (A,B)', reason: 'A holds no outbound gossip stream to B right now' }])
    const missing = resolveTarget({ kind: 'role', role: 'bearing', of: 'A', pair: ['A', 'B'] }, statusSnapshot(nodes, [B, C]), rng)
    expect(missing.unresolved[0]?.reason).to.match(/^no status from A/)
    const twice = statusSnapshot(nodes, [status('A', [conn('x', 'pB', 'outbound', ['outbound']), conn('y', 'pB', 'inbound', ['outbound'])]), B, C])
    const several = resolveTarget({ kind: 'role', role: 'bearing', of: 'A', pair: ['A', 'B'] }, twice, rng).unresolved[0]
    expect(several?.reason).to.include('on 2 connections (x, y)')
    // a stack with a stream per leg (stock rust-libp2p): said as such, so the matrix can tell it from a harness failure
    expect(several?.severalBearingLegs).to.equal('A')
    expect(r.unresolved[0]?.severalBearingLegs).to.equal(undefined)
  })

  it('outbound-of/inbound-of need no stream and still name a leg with no live connection', () => {
    const empty = statusSnapshot(nodes, [])
    const r = resolveTarget({ kind: 'role', role: 'outbound', of: 'A', pair: ['A', 'B'] }, empty, rng)
    expect(r.legs).to.deep.equal([{ leg: 'A>B', dialer: 'A', listener: 'B', selector: 'outbound-of: A (A,B)', why: 'A dialed it' }])
  })

  it('with several connections for one leg end (a redial overlapping the old one) picks the one with gossip streams, then the newest', () => {
    const redialed = statusSnapshot(nodes, [status('A', [conn('old', 'pB', 'outbound', [], 1), conn('new', 'pB', 'outbound', [], 5), conn('in', 'pB', 'inbound', ['outbound'])]), B, C])
    expect(resolveTarget({ kind: 'role', role: 'non-bearing', of: 'A', pair: ['A', 'B'] }, redialed, rng).legs[0]).to.deep.include({ leg: 'A>B', dialerLeg: 'new' })
  })

  it('all-legs-of: both legs to every peer', () => {
    expect(legsOf({ kind: 'all-legs-of', node: 'C' })).to.deep.equal(['C>A', 'A>C', 'C>B', 'B>C'])
  })

  it('random: a pair\'s leg or any leg, fixed by the seed, and both outcomes happen', () => {
    const pick = (seed: number, t: Target): string => resolveTarget(t, snap, seededRng(seed)).legs.map(l => l.leg).join()
    const pairTarget: Target = { kind: 'random', pair: ['A', 'B'] }
    expect(pick(3, pairTarget)).to.equal(pick(3, pairTarget))
    const seen = new Set(Array.from({ length: 40 }, (_, i) => pick(i, pairTarget)))
    expect([...seen].sort()).to.deep.equal(['A>B', 'B>A'])
    const any = new Set(Array.from({ length: 200 }, (_, i) => pick(i, { kind: 'random' })))
    expect(any.size).to.equal(6)
    expect(selectorText({ kind: 'random' })).to.equal('random (any leg)')
  })

  it('random with liveLegsOnly (an action on the connection, close): only legs whose dialer has one; all when none has', () => {
    // C lost its connection to B (C>B): its redial waits behind a down leg
    const noCB = statusSnapshot(nodes, [A, B, status('C', [conn('c-in-a', 'pA', 'inbound', ['outbound']), conn('c-out-a', 'pA', 'outbound', ['inbound'])])])
    const pick = (seed: number, live: boolean): string => resolveTarget({ kind: 'random' }, noCB, seededRng(seed), { liveLegsOnly: live }).legs.map(l => l.leg).join()
    const drawn = new Set(Array.from({ length: 200 }, (_, i) => pick(i, true)))
    expect([...drawn].sort()).to.deep.equal(['A>B', 'A>C', 'B>A', 'B>C', 'C>A'])
    expect(new Set(Array.from({ length: 200 }, (_, i) => pick(i, false))), 'without it, every leg').to.include('C>B')
    expect(pick(5, true), 'fixed by the seed').to.equal(pick(5, true))
    expect(resolveTarget({ kind: 'random' }, noCB, seededRng(1), { liveLegsOnly: true }).legs[0]?.why).to.equal('drawn from the 5 of 6 leg(s) with a live connection by the seed')
    const none = statusSnapshot(nodes, [status('A', []), status('B', []), status('C', [])])
    expect(resolveTarget({ kind: 'random' }, none, seededRng(1), { liveLegsOnly: true }).legs, 'none live: drawn from all').to.have.length(1)
  })

  it('random skips the legs another fault holds (a stalled or downed leg is not flapped on top); all held: drawn from all', () => {
    const pick = (seed: number, held: LegName[]): string => resolveTarget({ kind: 'random' }, snap, seededRng(seed), { heldLegs: new Set(held) }).legs.map(l => l.leg).join()
    const held: LegName[] = ['A>B', 'B>A', 'C>A']
    const drawn = new Set(Array.from({ length: 200 }, (_, i) => pick(i, held)))
    expect([...drawn].sort()).to.deep.equal(['A>C', 'B>C', 'C>B'])
    expect(pick(7, held), 'fixed by the seed and the legs held').to.equal(pick(7, held))
    expect(resolveTarget({ kind: 'random' }, snap, seededRng(1), { heldLegs: new Set(held) }).legs[0]?.why).to.equal('drawn from the 3 of 6 leg(s) no other fault holds by the seed')
    const all: LegName[] = ['A>B', 'B>A', 'A>C', 'C>A', 'B>C', 'C>B']
    expect(new Set(Array.from({ length: 200 }, (_, i) => pick(i, all))).size, 'every leg held: drawn from all').to.equal(6)
    // a pair's two legs: the free one
    expect(new Set(Array.from({ length: 40 }, (_, i) => resolveTarget({ kind: 'random', pair: ['A', 'B'] }, snap, seededRng(i), { heldLegs: new Set<LegName>(['A>B']) }).legs[0]?.leg))).to.deep.equal(new Set(['B>A']))
  })

  it('role-of-random: distinct nodes drawn from the seed, the role for every peer of each', () => {
    const t: Target = { kind: 'role-of-random', role: 'outbound', count: 2 }
    const r1 = resolveTarget(t, snap, seededRng(9))
    expect(r1).to.deep.equal(resolveTarget(t, snap, seededRng(9)))
    const dialers = [...new Set(r1.legs.map(l => l.dialer))]
    expect(dialers).to.have.length(2)
    expect(r1.legs).to.have.length(4)
    expect(r1.legs[0]?.selector).to.match(/^outbound-of: [ABC] \([ABC],[ABC]\), drawn from 2 random node\(s\)$/)
  })
})
