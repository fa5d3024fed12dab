/**
 * What meshflap needs to know about one node implementation, in one place:
 * its name, its gossip policies, how set-up builds it, how the process runtime
 * starts it and which image the docker runtime runs. One module per
 * implementation (ts.ts, go.ts, external.ts, ...), listed in index.ts.
 *
 * Kept free of runtime imports (no dockerode, no child processes): the CLI reads
 * this list for its --impl choices, and ci/build-impls.ts for the set-up builds.
 */
import type { GossipPolicy } from '../contract/node-config.ts'

export class ImplLaunchError extends Error {
  override name = 'ImplLaunchError'
}

/** The fields of a node launch an implementation may read (a node's own command/image: impl external). */
export interface LaunchFields {
  /** the node's name, for messages */
  name: string
  /** the node's own argv (scenario `command`, --external-command) */
  command?: string[]
  /** the node's own image (scenario `image`, --external-image) */
  image?: string
}

/**
 * How `npm run setup` builds a binary into .tools/bin, rebuilt only when its
 * stamp changes: the recipe (build flags) plus a hash of its source files.
 */
export interface BuildStep {
  /** file name under .tools/bin (the stamp is .tools/<binary>.stamp) */
  binary: string
  /** the build tool, looked up on PATH before building */
  tool: string
  /** what a person without the tool reads (set-up exits 2 with it) */
  toolMissing: string
  /** project-relative folder of the sources */
  dir: string
  /** its source files, relative to `dir`: what the stamp hashes */
  sources: (dir: string) => string[]
  /** the build command and flags as text; part of the stamp, so changing them rebuilds */
  recipe: string
  /** the build itself: writes the binary to `target`, or to `produces` */
  command: (target: string) => { file: string, args: string[], cwd: string, env?: Record<string, string> }
  /** where the command leaves the binary, relative to `dir` (e.g. cargo's target/release/<name>); set-up copies it to .tools/bin. Absent: the command writes `target` itself */
  produces?: string
}

/** How the harness packs an implementation into an image (harness/runtime/docker-images.ts builds it). */
export interface ImplImage {
  /** the image's name: meshflap/<name>:<content hash> */
  name: string
  /** project-relative */
  dockerfile: string
  /**
   * 'node-program': Node, these entry files and their import closure, the packages they use and
   *   the contract schemas (containers/*.json);
   * 'binary': one file built by set-up, put at `contextPath` in the context.
   */
  inputs: { kind: 'node-program', entryFiles: string[] } | { kind: 'binary', file: string, contextPath: string }
}

/** One mutant as the harness sees it: `meshflap power` runs it against `fixture`, which must catch it. */
export interface MutantInfo {
  name: string
  /** one line: the bug and the field commit it mirrors */
  summary: string
  /** the scenario (fixtures/scenarios/<fixture>.yaml) named after its bug class */
  fixture: string
}

export interface Implementation<Name extends string = string> {
  readonly name: Name
  /** one line for help texts and the scenario schema */
  readonly summary: string
  /** the gossip policies it runs (containers/CONTRACT.md section 2); a node given another gets the default */
  readonly policies: readonly GossipPolicy[]
  readonly defaultPolicy: GossipPolicy
  /** field bugs it can re-create on top of its default policy (node config `mutants`); absent: none */
  readonly mutants?: readonly MutantInfo[]
  /** true: a node of it runs its own `command` (process runtime) or `image` (docker runtime), which it must name */
  readonly perNode: boolean
  /** part of `meshflap matrix` without --impl (the nightly job): set it once the compliance suite passes */
  readonly inDefaultMatrix: boolean
  /**
   * Why a scenario's `placement` (harness/scenario/resolve-placement.ts) cannot be staged for a
   * pair with a node of this implementation and a `partner` implementation (undefined: it can): the
   * stack, not the harness, decides which legs carry its streams. Such a pair runs unplaced and the run's verdicts are `unknown` with this reason
   * (harness/impls/placement-support.ts). Absent: placement can be staged.
   */
  readonly cannotPlaceStreams?: (placement: { streams: 'split' | 'same', partner: string }) => string | undefined
  /**
   * Why a node of this implementation may hold an outbound gossip stream to one peer on several legs
   * at once (undefined: one stream per peer, as the contract expects of a leg-aware node). For such a
   * node "the leg bearing its stream" may not exist; a fault aimed at it then does not apply, and the
   * matrix counts the run as not applicable with this reason instead of red (matrix/unmet-precondition.ts).
   */
  readonly streamPerLeg?: string
  /** how set-up builds it; absent when there is nothing to build */
  readonly build?: BuildStep
  /** process runtime: the argv that starts a node with this config file */
  readonly processCommand: (configPath: string, node: LaunchFields) => string[]
  /**
   * process runtime with `nodesPerProcess` above 1: the argv of one process that hosts several
   * of its nodes (the TS node: containers/ts-node/host-frames.ts). Absent: one process per node
   * whatever the option says.
   */
  readonly processHostCommand?: () => string[]
  /** docker runtime: the image meshflap builds for it; absent when `perNode` (the node names its image) */
  readonly image?: ImplImage
  /** versions for results.json (e.g. the Go peer's libp2p versions), keyed as they should appear */
  readonly versions?: () => Promise<Record<string, string>>
}

/** Keeps the module's `name` as a literal type, so the list gives the ImplName union. */
export function defineImplementation<const Name extends string> (impl: Implementation<Name>): Implementation<Name> {
  return impl
}
