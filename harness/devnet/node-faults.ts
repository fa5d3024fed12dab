/**
 * Node faults on a running devnet: kill (SIGKILL, no restart), pause
 * (SIGSTOP / docker pause) and resume (SIGCONT / unpause), through the
 * runtime's RunningNode. Each is recorded as one FaultEntry per leg touching
 * the node (with `node` set), so every verdict sees exactly those legs
 * faulted: the node's own directions are excused, everyone else's are not.
 *
 *   pause C ──> running.pause() ──> fault{action: pause, node: C, leg: A>C}, {.., leg: C>A}, ...
 *   resume C ─> running.resume() ─> fault{action: resume, phase: heal, params: {graceMs}} per leg
 *
 * The state (who is paused or killed on purpose) is what the hang watchdog and
 * `Devnet.statuses()` ask, so a node frozen by the scenario is not a hung node.
 */
import type { FaultEntry, LegName } from '../history/types.ts'
import type { RunningNode } from '../runtime/runtime.ts'
import type { NodeActionKind } from '../scenario/types.ts'

export type NodeFaultState = 'paused' | 'killed'

export interface NodeFaultDeps {
  running: (node: string) => RunningNode
  /** every harness leg with `node` at one end */
  legsOf: (node: string) => LegName[]
  record: (entry: FaultEntry) => void
  /** how long after a resume the node's directions stay excused (reconnect, resubscribe) */
  recoveryGraceMs: number
}

export interface NodeFaultTag {
  fault: string
  selector?: string
}

export class NodeFaults {
  private readonly deps: NodeFaultDeps
  private readonly state = new Map<string, NodeFaultState>()

  constructor (deps: NodeFaultDeps) {
    this.deps = deps
  }

  /** 'paused' or 'killed' when the run did that to the node on purpose, else undefined. */
  stateOf (node: string): NodeFaultState | undefined {
    return this.state.get(node)
  }

  async apply (node: string, action: NodeActionKind, tag: NodeFaultTag): Promise<void> {
    const running = this.deps.running(node)
    const now = this.state.get(node)
    if (now === 'killed') throw new Error(`node ${node} was killed earlier in the run: nothing to ${action}`)
    const since = Date.now()
    switch (action) {
      case 'kill':
        // recorded first: the exit it causes must already be inside the fault window
        this.state.set(node, 'killed')
        this.emit(node, action, 'apply', tag, since)
        await running.kill({ expected: true })
        return
      case 'pause':
        if (now === 'paused') throw new Error(`node ${node} is paused already`)
        this.state.set(node, 'paused')
        this.emit(node, action, 'apply', tag, since)
        await running.pause()
        return
      case 'resume':
        if (now !== 'paused') throw new Error(`node ${node} is not paused: nothing to resume`)
        await running.resume()
        this.state.delete(node)
        this.emit(node, action, 'heal', tag, since, { graceMs: this.deps.recoveryGraceMs })
    }
  }

  private emit (node: string, action: NodeActionKind, phase: 'apply' | 'heal', tag: NodeFaultTag, ts: number, params?: Record<string, unknown>): void {
    for (const leg of this.deps.legsOf(node)) {
      this.deps.record({
        kind: 'fault', ts, fault: tag.fault, action, phase, leg, node,
        ...(tag.selector !== undefined ? { selector: tag.selector } : {}),
        ...(params !== undefined ? { params } : {})
      })
    }
  }
}
