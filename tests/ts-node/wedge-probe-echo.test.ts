/**
 * The probe's echo handler (wedge-probe.ts serveLegProbe) answers every chunk on its stream, and a
 * stream that is already closing when a chunk arrives is left alone: `send` throws there, and a
 * throw in the event listener was an uncaught exception that ended the node (power, seed 1749 of
 * close-duplicate-redial: "Cannot write to a stream that is closing").
 */
import { expect } from 'chai'
import type { Stream, StreamHandler } from '@libp2p/interface'
import { PROBE_PROTOCOL, serveLegProbe } from '../../containers/ts-node/wedge-probe.ts'

class FakeStream extends EventTarget {
  sent: Uint8Array[] = []
  closing = false
  send (data: Uint8Array): boolean {
    if (this.closing) throw new Error('Cannot write to a stream that is closing')
    this.sent.push(data)
    return true
  }
}

function message (data: Uint8Array): Event {
  return Object.assign(new Event('message'), { data })
}

describe('the leg probe echo', () => {
  let handler: StreamHandler | undefined
  before(async () => {
    await serveLegProbe({ handle: async (protocol: string | string[], h: StreamHandler) => { expect(protocol).to.equal(PROBE_PROTOCOL); handler = h } } as never)
  })

  it('sends every chunk back on its stream', () => {
    const stream = new FakeStream()
    void handler!(stream as unknown as Stream, {} as never)
    stream.dispatchEvent(message(Uint8Array.of(7)))
    stream.dispatchEvent(message(Uint8Array.of(8)))
    expect(stream.sent.map(b => b[0])).to.deep.equal([7, 8])
  })

  it('a chunk arriving on a closing stream is dropped, nothing thrown out of the listener', async () => {
    const stream = new FakeStream()
    void handler!(stream as unknown as Stream, {} as never)
    stream.closing = true
    const uncaught: unknown[] = []
    const onError = (err: unknown): void => { uncaught.push(err) }
    process.on('uncaughtException', onError)
    try {
      stream.dispatchEvent(message(Uint8Array.of(9)))
      // EventTarget reports a listener's throw as an uncaught exception a tick later
      await new Promise(resolve => setImmediate(resolve))
    } finally {
      process.off('uncaughtException', onError)
    }
    expect(uncaught).to.deep.equal([])
    expect(stream.sent).to.deep.equal([])
  })
})
