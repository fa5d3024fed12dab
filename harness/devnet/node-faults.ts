/**
 * Node faults on a running devnet: each node action of harness/faults/actions/ (kill, pause,
 * resume, restart) applied through the runtime's RunningNode. Each is recorded as one
 * FaultEntry per leg touching the node (with `node` set), so every verdict sees exactly those
 * legs faulted: the node's own directions are excused, everyone else's are not.
 *
 *   pause C ───> pause.apply ───> running.pause() ──> fault{action: pause, node: C, leg: A>C}, {.., leg: C>A}, ...
 *   resume C ──> resume.apply ──> running.resume() ─> fault{action: resume, phase: heal, params: {graceMs}} per leg
 *   restart C ─> restart.apply ─> deps.restart() ──> fault{restart apply} ... fault{restart heal, graceMs}
 *
 * The state (who is paused, restarting or killed on purpose) is what the hang watchdog and
 * `Devnet.statuses()` ask, so a node the scenario took down is not a hung node.
 */
import type { NodeActionContext, NodeFaultState } from '../faults/actions/action.ts'
import { nodeAction } from '../faults/actions/index.ts'
import type { FaultEntry, LegName } from '../history/types.ts'
import type { RunningNode } from '../runtime/runtime.ts'
import type { NodeActionKind, NodeActionSpec } from '../scenario/types.ts'

export type { NodeFaultState } from '../faults/actions/action.ts'

export interface NodeFaultDeps {
  running: (node: string) => RunningNode
  /** every harness leg with `node` at one end */
  legsOf: (node: string) => LegName[]
  record: (entry: FaultEntry) => void
  /** how long after a resume or restart the node's directions stay excused (reconnect, resubscribe) */
  recoveryGraceMs: number
  /** stop, wait, start again with the same identity, ports and config, reconnect (harness/devnet/restart-node.ts) */
  restart: (node: string, afterMs: number, signal: AbortSignal) => Promise<void>
}

export interface NodeFaultTag {
  fault: string
  selector?: string
  /** the gossip streams riding a leg as the fault was decided (FaultEntry.hit, on apply entries) */
  hitOf?: (leg: LegName) => string[]
  /** FaultEntry.mustHit: the scenario said `exercised: true` */
  mustHit?: boolean
}

export interface NodeFaultOptions {
  /** the fault's `duration` (a pause is resumed after it) */
  durationMs?: number
  signal?: AbortSignal
}

export class NodeFaults {
  private readonly deps: NodeFaultDeps
  private readonly state = new Map<string, NodeFaultState>()

  constructor (deps: NodeFaultDeps) {
    this.deps = deps
  }

  /** 'paused', 'restarting' or 'killed' when the run did that to the node on purpose, else undefined. */
  stateOf (node: string): NodeFaultState | undefined {
    return this.state.get(node)
  }

  /** One node action on one node (`action`: a spec, or the name of one without parameters). */
  async apply (node: string, action: NodeActionSpec | Exclude<NodeActionKind, 'restart'>, tag: NodeFaultTag, options: NodeFaultOptions = {}): Promise<void> {
    const spec: NodeActionSpec = typeof action === 'string' ? { kind: action } : action
    const def = nodeAction(spec.kind)
    if (def === undefined) throw new Error(`${spec.kind} is not a node action`)
    const now = this.state.get(node)
    if (now === 'killed') throw new Error(`node ${node} was killed earlier in the run: nothing to ${spec.kind}`)
    const ctx: NodeActionContext = {
      node,
      running: this.deps.running(node),
      state: now,
      setState: s => { if (s === undefined) this.state.delete(node); else this.state.set(node, s) },
      record: (kind, phase, ts, params) => { this.emit(node, kind, phase, tag, ts, params) },
      recoveryGraceMs: this.deps.recoveryGraceMs,
      restart: async (afterMs, signal) => { await this.deps.restart(node, afterMs, signal) },
      durationMs: options.durationMs,
      signal: options.signal ?? new AbortController().signal
    }
    await def.apply(spec, ctx)
  }

  private emit (node: string, action: FaultEntry['action'], phase: 'apply' | 'heal', tag: NodeFaultTag, ts: number, params?: Record<string, unknown>): void {
    for (const leg of this.deps.legsOf(node)) {
      this.deps.record({
        kind: 'fault', ts, fault: tag.fault, action, phase, leg, node,
        ...(tag.selector !== undefined ? { selector: tag.selector } : {}),
        ...(params !== undefined ? { params } : {}),
        // what the node's legs carried when it went down: "the fault touched no stream" is visible
        ...(phase === 'apply' && tag.hitOf !== undefined ? { hit: tag.hitOf(leg) } : {}),
        ...(phase === 'apply' && tag.mustHit === true ? { mustHit: true } : {})
      })
    }
  }
}
