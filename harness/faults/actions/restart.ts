/**
 * Node action `restart`: the node is stopped (SIGTERM, SIGKILL after a grace period; docker:
 * stop), `after` later started again with the same identity, listen ports and config, and
 * reconnected (harness/devnet/restart-node.ts). Recorded as `restart` apply on every leg of the
 * node when the stop starts, and `restart` heal with `graceMs` once it is ready again: its own
 * directions are excused from the stop until the grace after it is back, nobody else's are.
 */
import type { NodeAction } from './action.ts'

export type RestartSpec = { kind: 'restart', afterMs: number }

/** A restart with no `after`: started again at once. */
const DEFAULT_AFTER_MS = 0

export const restart: NodeAction<RestartSpec> = {
  kind: 'restart',
  on: 'node',
  takesDuration: false,
  params: [{ field: 'afterMs', fileKey: 'after', unit: 'ms', integer: true, min: 0 }],
  schema: {
    type: 'object',
    additionalProperties: false,
    description: 'Node fault (target: node, aggregator, bearing-node): stop the node (SIGTERM, SIGKILL after 5 s; docker: stop), wait `after`, start it again with the same identity (peer id), listen ports and config; the harness redials its legs. Its legs count as faulted from the stop until one slot of recovery grace after it is back. Takes no duration (`after` is the down time).',
    examples: [{}, { after: { slots: 2 } }, { after: { ms: 1500 } }],
    properties: {
      after: {
        $ref: '#/definitions/span',
        description: 'How long the node stays down before it is started again: { ms: n } or { slots: n } (default: at once).'
      }
    }
  },
  fromFile: (p, _path, _issues, ctx) => {
    const after = p?.after as { ms?: number, slots?: number } | undefined
    return { kind: 'restart', afterMs: after === undefined ? DEFAULT_AFTER_MS : ctx.spanMs(after) }
  },
  async apply (a, ctx) {
    if (ctx.state !== undefined) throw new Error(`node ${ctx.node} is ${ctx.state}: nothing to restart`)
    const since = Date.now()
    ctx.setState('restarting')
    ctx.record('restart', 'apply', since, { afterMs: a.afterMs })
    await ctx.restart(a.afterMs, ctx.signal)
    ctx.setState(undefined)
    ctx.record('restart', 'heal', Date.now(), { graceMs: ctx.recoveryGraceMs })
  }
}
