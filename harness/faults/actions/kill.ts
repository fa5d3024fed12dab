/**
 * Node action `kill`: SIGKILL (docker: kill), no restart. Recorded before the signal, so the
 * exit it causes is inside the fault window; the node stays killed for the rest of the run.
 */
import type { NodeAction } from './action.ts'
import { bare } from './action.ts'

export type KillSpec = { kind: 'kill' }

export const kill: NodeAction<KillSpec> = {
  kind: 'kill',
  on: 'node',
  signalsProcess: 'SIGKILL',
  takesDuration: false,
  params: [],
  schema: {
    type: 'object',
    additionalProperties: false,
    description: 'Node fault (target: node, aggregator, bearing-node): SIGKILL, no restart. Every leg of the node counts as faulted from then on (its own directions are excused), every other leg does not. Takes no duration.',
    examples: [{}]
  },
  fromFile: bare('kill'),
  async apply (_a, ctx) {
    const since = Date.now()
    ctx.setState('killed')
    ctx.record('kill', 'apply', since)
    await ctx.running.kill({ expected: true })
  }
}
