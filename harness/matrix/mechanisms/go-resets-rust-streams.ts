/**
 * The Go peer resets a Rust peer's older inbound stream for its newer one (the Rust peer keeps a
 * stream per leg) and forgets the Rust peer's topics with it (fixtures/investigations/
 * go-forgets-rust-topics.md): no fault needed. Explains a failed direction between a Go node and a
 * Rust node when that Go node reset an inbound stream of that Rust node during the run.
 */
import { defineMechanism } from './mechanism.ts'

const REPLACED = /replaced by a newer inbound stream/

export const goResetsRustStreams = defineMechanism({
  name: 'go-resets-rust-streams',
  evidence: 'fixtures/investigations/go-forgets-rust-topics.md',
  explains: (ix, from, to) => {
    const impl = (name: string): string | undefined => ix.nodeByName.get(name)?.impl
    const [go, rust] = impl(from) === 'go' ? [from, to] : [to, from]
    if (impl(go) !== 'go' || impl(rust) !== 'rust') return undefined
    const resets = ix.streams.filter(s => s.node === go && s.peer === rust && s.direction === 'inbound' && REPLACED.test(s.closeReason ?? '')).length
    return resets === 0 ? undefined : `${go} (go) reset ${resets} inbound stream(s) of ${rust} (rust)`
  }
})
