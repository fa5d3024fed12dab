/**
 * zig-libp2p 532e952 / ee01526 before the fix (class 7 of the zig list): a
 * gossip stream whose leg carries nothing, though the leg stays up (keepalives
 * still pass, so no idle timeout ends it), is kept for ever: everything written
 * to the peer waits behind it until the leg heals by itself. The correct node
 * probes every leg and aborts one that gives no round trip for 2 s, so the
 * stream reopens on the peer's other leg (wedge-probe.ts); this mutant never
 * probes. (js-libp2p's own connection monitor, which `stock` keeps, is off on
 * leg-aware: the mutant has neither.)
 */
import { defineMutant } from './mutant.ts'

export const wedgedStreamNeverReopened = defineMutant({
  name: 'wedged-stream-never-reopened',
  summary: 'a stream on a leg that carries nothing but stays up is kept for ever (zig-libp2p 532e952, ee01526)',
  fixture: 'wedged-stream-never-reopened',
  stage: 'before-discipline',
  install: ({ wedgeProbe }) => { wedgeProbe?.stop() }
})
