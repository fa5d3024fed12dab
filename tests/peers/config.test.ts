/**
 * Issues 6 and 12: every built contract peer's config handling and identity
 * (peers-under-test.ts: the Go and the Rust peer), run as the real binary. A
 * bad config is one clear message naming the file and the field, exit code 2,
 * nothing left listening; the same (seed, index) gives the TS node's peer id,
 * and every other peer's, byte for byte.
 */
import { expect } from 'chai'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { createSocket } from 'node:dgram'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'
import { implementation } from '../../harness/impls/index.ts'
import { peerIdFor } from '../../harness/contract/identity.ts'
import { freeTcpPort, goodConfig as good, runPeer, tcpPortFree } from './run-binary.ts'
import { PEERS } from './peers-under-test.ts'

for (const peer of PEERS) {
  const run = async (config: unknown): ReturnType<typeof runPeer> => await runPeer(peer.impl, config)
  const folder = implementation(peer.impl).build!.dir

  describe(`${peer.title} config`, function () {
    this.timeout(60_000)

    it('embeds a byte-identical copy of the config schema', async () => {
      const [canonical, copy] = await Promise.all([
        readFile(join(PROJECT_ROOT, 'containers', 'node-config.schema.json'), 'utf8'),
        readFile(join(PROJECT_ROOT, folder, 'node-config.schema.json'), 'utf8')
      ])
      expect(copy, `${folder}/node-config.schema.json is stale: copy containers/node-config.schema.json over it`).to.equal(canonical)
    })

    const cases: Array<[string, () => unknown, RegExp]> = [
      ['missing field', () => { const c = good(); delete c.listen; return c }, /^<file>: field \/listen: required field is missing$/m],
      ['wrong type', () => ({ ...good(), index: 'zero' }), /^<file>: field \/index: must be integer, got string$/m],
      ['unknown field', () => ({ ...good(), colour: 'blue' }), /^<file>: field \/colour: unknown field "colour"$/m],
      ['unknown policy', () => ({ ...good(), gossipPolicy: 'yolo' }), /^<file>: field \/gossipPolicy: must be one of \["leg-aware","stock"\]$/m],
      ['the leg-aware policy', () => ({ ...good(), gossipPolicy: 'leg-aware' }), new RegExp(`^<file>: field /gossipPolicy: "leg-aware" is not supported by the ${peer.title}`, 'm')],
      ['nested wrong type', () => ({ ...good(), duties: { genesisMs: 1, slotMs: 'fast' } }), /^<file>: field \/duties\/slotMs: must be integer, got string$/m],
      ['nested unknown field', () => ({ ...good(), quic: { idle: 5 } }), /^<file>: field \/quic\/idle: unknown field "idle"$/m],
      ['unknown field of a peer', () => ({ ...good(), peers: [{ peerId: peerIdFor(1, 1), addr: '/ip4/127.0.0.1/tcp/1', via: 'x' }] }), /^<file>: field \/peers\/0\/via: unknown field "via"$/m],
      ['bad listen address', () => ({ ...good(), listen: ['/dns4/example.com/tcp/1'] }), /^<file>: field \/listen\/0: must match pattern/m],
      ['a value under its minimum', () => ({ ...good(), quic: { maxIdleTimeoutMs: 5 } }), /^<file>: field \/quic\/maxIdleTimeoutMs: /m],
      [`degrees ${peer.degreesStack} refuses`, () => ({ ...good(), gossip: { D: 4, Dlo: 6 } }), new RegExp(`^<file>: field /gossip: ${peer.degreesStack} needs Dlo <= D <= Dhi`, 'm')],
      ['a subscribed subnet beyond subnets', () => ({ ...good(), duties: { genesisMs: 1, slotMs: 1000, subnets: 4, subscribeSubnets: [1, 4] } }), /^<file>: field \/duties\/subscribeSubnets: subnet 4 is not below subnets \(4\)$/m],
      ['a block offset no slot reaches', () => ({ ...good(), duties: { genesisMs: 1, slotMs: 1000, blocks: { bytes: 1024, every: 4, offset: 4 } } }), /^<file>: field \/duties\/blocks\/offset: must be below every \(4\)$/m],
      ['a block over 1 MiB', () => ({ ...good(), duties: { genesisMs: 1, slotMs: 1000, blocks: { bytes: 1048577 } } }), /^<file>: field \/duties\/blocks\/bytes: /m],
      ['not JSON', () => '{ nope', /^<file>: not valid JSON/m]
    ]
    for (const [what, make, message] of cases) {
      it(`rejects ${what} with exit code 2 and one message naming the field`, async () => {
        const { code, stderr, ready } = await run(make())
        expect(ready, 'no ready event').to.equal(undefined)
        expect(code).to.equal(2)
        expect(stderr).to.match(message)
        expect(stderr.trim().split('\n'), stderr).to.have.length(1)
      })
    }

    it('rejects a control port in use with exit code 2 and leaves its listen port free', async () => {
      const blocker = createServer()
      await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve))
      const port = (blocker.address() as AddressInfo).port
      try {
        const listenPort = await freeTcpPort()
        const { code, stderr } = await run({ ...good(), listen: [`/ip4/127.0.0.1/tcp/${listenPort}`], control: { host: '127.0.0.1', port } })
        expect(code).to.equal(2)
        expect(stderr).to.match(peer.controlInUse)
        expect(await tcpPortFree(listenPort), 'listen port free after exit').to.equal(true)
      } finally {
        await new Promise(resolve => blocker.close(resolve))
      }
    })

    it('rejects a TCP listen port in use with exit code 2, even next to a free one, and frees the control port', async () => {
      const blocker = createServer()
      await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve))
      const port = (blocker.address() as AddressInfo).port
      const controlPort = await freeTcpPort()
      try {
        const { code, stderr } = await run({ ...good(), control: { host: '127.0.0.1', port: controlPort }, listen: ['/ip4/127.0.0.1/udp/0/quic-v1', `/ip4/127.0.0.1/tcp/${port}`] })
        expect(code).to.equal(2)
        expect(stderr).to.match(new RegExp(`already in use: listen /ip4/127.0.0.1/tcp/${port}:`))
        expect(await tcpPortFree(controlPort), 'control port free after exit').to.equal(true)
      } finally {
        await new Promise(resolve => blocker.close(resolve))
      }
    })

    it('rejects a UDP (QUIC) listen port in use with exit code 2', async () => {
      const blocker = createSocket('udp4')
      await new Promise<void>(resolve => blocker.bind(0, '127.0.0.1', resolve))
      const port = blocker.address().port
      try {
        const { code, stderr } = await run({ ...good(), listen: [`/ip4/127.0.0.1/udp/${port}/quic-v1`] })
        expect(code).to.equal(2)
        expect(stderr).to.match(/already in use/)
      } finally {
        await new Promise<void>(resolve => blocker.close(resolve))
      }
    })

    it('applies the schema defaults, reports the stock policy, and exits 0 on SIGTERM within 5 s', async () => {
      const { code, ready, status, stopMs } = await run(good())
      expect(code, 'exit 0 on SIGTERM').to.equal(0)
      expect(stopMs).to.be.below(5000)
      expect(ready).to.include({ type: 'ready', seq: 1, name: 'A', impl: peer.impl, gossipPolicy: 'stock' })
      expect(ready?.listen).to.be.an('array').with.length(1)
      expect(String((ready?.listen as string[])[0])).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/[1-9][0-9]*$/)
      expect(String(ready?.control)).to.match(/^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/)
      expect(status).to.include({ gossipPolicy: 'stock', impl: peer.impl, redialEnabled: true })
      // default subnets 4 and fork digest 12345678
      expect(Object.keys(status?.topics as object).sort()).to.deep.equal([0, 1, 2, 3].map(s => `/leanconsensus/12345678/attestation_${s}/ssz_snappy`))
    })

    const others = PEERS.filter(p => p !== peer)
    it(`derives the same peer id as the TS node${others.map(o => ` and the ${o.title}`).join('')} for the same (seed, index), byte for byte`, async () => {
      const pairs: Array<[number | string, number]> = [[42, 0], [42, 1], [7, 3], [0, 0], [1234567890123, 5], ['run-α', 2]]
      const mine = await Promise.all(pairs.map(async ([seed, index]) => await run({ ...good(), seed, index, exitOnStdinClose: true })))
      const theirs = await Promise.all(others.map(async o => await Promise.all(pairs.map(async ([seed, index]) => await runPeer(o.impl, { ...good(), seed, index, exitOnStdinClose: true })))))
      mine.forEach((r, i) => {
        const [seed, index] = pairs[i]!
        const id = String(r.ready?.peerId)
        const ts = peerIdFor(seed, index)
        expect(id, `seed ${String(seed)} index ${index}: TS`).to.equal(ts)
        others.forEach((o, k) => { expect(id, `seed ${String(seed)} index ${index}: ${o.title}`).to.equal(theirs[k]![i]!.ready?.peerId) })
        expect(Buffer.from(peerIdFromString(id).toMultihash().bytes).equals(Buffer.from(peerIdFromString(ts).toMultihash().bytes)), 'same multihash bytes').to.equal(true)
        expect(id).to.match(/^16Uiu2/)
        expect(r.code, 'exit 0 on stdin EOF').to.equal(0)
      })
      expect(new Set(mine.map(r => r.ready?.peerId)).size).to.equal(pairs.length)
    })
  })
}
