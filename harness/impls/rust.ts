/**
 * The Rust reference peer (containers/rust-peer/): rust-libp2p with stock
 * libp2p-gossipsub, so only the `stock` policy. Set-up builds it with cargo into
 * .tools/bin; its image packs that binary.
 *
 * cargo's target dir lives outside the clone (${MESHFLAP_CACHE_DIR:-~/.cache/meshflap}/rust-peer-target,
 * or CARGO_TARGET_DIR when the user set one), so a fresh clone or a reinstalled package on the same
 * machine (CI) compiles only the crate itself, not its ~300 dependencies.
 */
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join, relative } from 'node:path'
import { PROJECT_ROOT, toolPaths } from '../util/paths.ts'
import { filesUnder } from './build.ts'
import { defineImplementation } from './implementation.ts'

const BINARY = 'meshflap-rust-peer'
const DIR = 'containers/rust-peer'
/** the binary set-up builds, in set-up's folder for this environment (tests that start the Rust peer by hand use it) */
export function rustPeerBinary (): string {
  return join(toolPaths().bin, BINARY)
}
/** cargo's target dir (outside the clone; CARGO_TARGET_DIR when the user set one); tests that run the crate's own cargo test reuse it */
export const TARGET_DIR = process.env.CARGO_TARGET_DIR?.trim() || join(process.env.MESHFLAP_CACHE_DIR?.trim() || join(homedir(), '.cache', 'meshflap'), 'rust-peer-target')
const CARGO = 'cargo build --release --locked'

export const rust = defineImplementation({
  name: 'rust',
  summary: 'containers/rust-peer (rust-libp2p, stock libp2p-gossipsub)',
  policies: ['stock'],
  defaultPolicy: 'stock',
  // Not in the nightly default set, for time: it adds 165 cells (about 31 min per seed here) to the
  // matrix. `--impl ts,go,rust` runs them; the five-seed characterisation of every one of them
  // (fixtures/investigations/rust-matrix-characterisation.md) left no unlisted failure: the failing runs
  // are explained by a mechanism or listed by cell in fixtures/known-failures.yaml.
  inDefaultMatrix: false,
  perNode: false,
  cannotPlaceStreams: () => 'stock libp2p-gossipsub 0.50 opens its own outbound gossip stream on any connection to a peer whose ' +
    'handler is polled while messages are queued (handler.rs EnabledHandler::poll; every connection\'s handler shares the ' +
    'peer\'s one queue, behaviour.rs handle_established_{inbound,outbound}_connection), usually on both legs of a pair, ' +
    'so a pair\'s two directions cannot be put on chosen legs',
  streamPerLeg: 'stock libp2p-gossipsub 0.50 runs a handler per connection and each opens its own outbound gossip stream ' +
    'when polled with messages queued (handler.rs EnabledHandler::poll), so a Rust node usually sends to a peer on both legs: ' +
    'a fault aimed at "the leg bearing its stream" has no single target',
  build: {
    binary: BINARY,
    tool: 'cargo',
    toolMissing: `cargo is needed to build ${BINARY} (${DIR}). Install Rust 1.88 or newer (rustup; Debian bookworm's own cargo is too old) and run npm run setup again.`,
    dir: DIR,
    // Cargo.toml, Cargo.lock, src/**, and the embedded config schema copy
    sources: dir => filesUnder(dir, ['target']).filter(f => f.startsWith('src/') || ['Cargo.toml', 'Cargo.lock', 'node-config.schema.json'].includes(f)),
    recipe: CARGO,
    // Clones share the target dir and cargo judges the crate's freshness by mtime: sources older than
    // another clone's build would pass as built. Set-up only gets here when the stamp changed, so
    // touching main.rs makes cargo rebuild the crate (its dependencies stay cached). `nice`: 2 shared cores.
    command: () => ({ file: 'sh', args: ['-c', `touch src/main.rs && exec nice -n 10 ${CARGO}`], cwd: join(PROJECT_ROOT, DIR), env: { CARGO_TARGET_DIR: TARGET_DIR } }),
    produces: relative(join(PROJECT_ROOT, DIR), join(TARGET_DIR, 'release', BINARY))
  },
  processCommand: configPath => [rustPeerBinary(), configPath],
  image: { name: 'rust-peer', dockerfile: `${DIR}/Dockerfile`, inputs: { kind: 'binary', file: `.tools/bin/${BINARY}`, contextPath: `bin/${BINARY}` } },
  versions: async () => ({ 'rust-peer': await rustPeerVersion() })
})

/** The Rust peer's libp2p versions, from its Cargo.lock (set-up builds exactly that, --locked). */
async function rustPeerVersion (): Promise<string> {
  try {
    const lock = await readFile(join(PROJECT_ROOT, DIR, 'Cargo.lock'), 'utf8')
    const v = (name: string): string => new RegExp(`name = "${name}"\\nversion = "([^"]+)"`).exec(lock)?.[1] ?? '?'
    return `rust-libp2p ${v('libp2p')}, libp2p-gossipsub ${v('libp2p-gossipsub')}`
  } catch { return 'missing' }
}
