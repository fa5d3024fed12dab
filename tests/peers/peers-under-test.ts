/**
 * The contract peers this suite runs: every implementation in
 * harness/impls/index.ts that set-up builds into a binary (today the Go and
 * the Rust peer), each with the few facts in which the stacks differ. One
 * suite, parameterised over this list, instead of a copy per peer: a new built
 * implementation fails the suite until it has its line in FACTS.
 *
 * A test that does not apply to a peer is skipped with the reason written here.
 */
import { IMPLEMENTATIONS } from '../../harness/impls/index.ts'
import type { ImplName } from '../../harness/impls/index.ts'

export interface PeerUnderTest {
  impl: Exclude<ImplName, 'external'>
  /** "Go peer", for test titles and messages */
  title: string
  /** the stack its degree check names ("go-libp2p-pubsub needs Dlo <= D <= Dhi") */
  degreesStack: string
  /** its message for a control port in use */
  controlInUse: RegExp
  /** leg_close reason of a QUIC leg closed by its idle timeout */
  idleCloseReason: RegExp
}

const FACTS: Partial<Record<ImplName, Omit<PeerUnderTest, 'impl'>>> = {
  go: {
    title: 'Go peer',
    degreesStack: 'go-libp2p-pubsub',
    controlInUse: /^<file>: a listen or control address is already in use: .*address already in use/,
    // quic-go's own words for the idle timeout (CONTRACT.md, the Go peer's table)
    idleCloseReason: /^error: .*no recent network activity/
  },
  rust: {
    title: 'Rust peer',
    degreesStack: 'rust-libp2p gossipsub',
    controlInUse: /^<file>: a listen or control address is already in use: control 127\.0\.0\.1:\d+: .*[Aa]ddress already in use/,
    // quinn's cause is `timed out` (CONTRACT.md, the Rust peer's table)
    idleCloseReason: /^error: .*timed out/
  }
}

/** Every built implementation, in list order; throws for one without FACTS so it cannot be left out silently. */
export const PEERS: PeerUnderTest[] = IMPLEMENTATIONS.filter(i => i.build !== undefined && !i.perNode).map(i => {
  const facts = FACTS[i.name]
  if (i.name === 'external') throw new Error('unreachable: external is per node')
  if (facts === undefined) throw new Error(`tests/peers/peers-under-test.ts: implementation "${i.name}" is built by set-up but has no FACTS entry`)
  return { impl: i.name, ...facts }
})
