/**
 * How long the TS node lets one dial asked through POST /v1/dial take. The first dial to a peer
 * keeps the long bound (a loaded machine boots slowly); a dial to a peer already configured is a
 * redial and gets REDIAL_ATTEMPT_MS (containers/ts-node/leg-book.ts), after which the node's own
 * redial loop takes over. The `simultaneous-dial` fault dials configured peers mid-run: with the
 * long bound one lost handshake kept the pair at one leg for 10 slots (field-shaped, seed 104)
 * and pushed the fault's heal past the end of the judged window.
 *
 * The dials go to a UDP socket that reads and drops every datagram, so no handshake completes.
 */
import { expect } from 'chai'
import { createSocket, type Socket } from 'node:dgram'
import { once } from 'node:events'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { NodePair, api } from '../support/node-pair.ts'
import { FIRST_DIAL_MS, REDIAL_ATTEMPT_MS } from '../../containers/ts-node/leg-book.ts'

async function timedDialFailure (dial: () => Promise<unknown>): Promise<number> {
  const t0 = Date.now()
  let failed = false
  await dial().catch(() => { failed = true })
  expect(failed, 'the dial into a silent socket failed').to.equal(true)
  return Date.now() - t0
}

describe('TS node: the bound on a dial asked through the control API', function () {
  this.timeout(60_000)
  let silent: Socket

  before(async () => {
    silent = createSocket('udp4')
    silent.on('message', () => { /* dropped: no QUIC handshake ever completes */ })
    silent.bind(0, '127.0.0.1')
    await once(silent, 'listening')
  })
  after(() => { silent.close() })

  it('a re-dial of a configured peer gives up after the redial bound; a first dial to a new peer waits longer', async () => {
    // QUIC's own timeouts above both bounds, so the node's bound is what ends each dial
    await using pair = await NodePair.start({ transport: 'quic', quic: { maxIdleTimeoutMs: 10_000, handshakeTimeoutMs: 10_000 } })
    const addr = `/ip4/127.0.0.1/udp/${silent.address().port}/quic-v1`
    const redialMs = await timedDialFailure(async () => await api(pair.a, '/v1/dial', { peerId: pair.b.node.peerId, addr, name: 'B' }))
    expect(redialMs, 'ms until the re-dial of B failed').to.be.at.least(REDIAL_ATTEMPT_MS - 100).and.below(REDIAL_ATTEMPT_MS + 1500)

    // negative control: a peer A never dialed gets the first-dial bound
    const stranger = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const firstMs = await timedDialFailure(async () => await api(pair.a, '/v1/dial', { peerId: stranger, addr, name: 'C' }))
    expect(firstMs, 'ms until the first dial of a new peer failed').to.be.at.least(FIRST_DIAL_MS - 100)
  })
})
