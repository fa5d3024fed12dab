/**
 * Node action `pause`: SIGSTOP (docker: pause); the node answers nothing. With a `duration`
 * it is resumed after it (the resume is recorded like a `resume` action, with its grace).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { NodeAction } from './action.ts'
import { bare } from './action.ts'
import { resume } from './resume.ts'

export type PauseSpec = { kind: 'pause' }

export const pause: NodeAction<PauseSpec> = {
  kind: 'pause',
  on: 'node',
  signalsProcess: 'SIGSTOP',
  takesDuration: true,
  params: [],
  schema: {
    type: 'object',
    additionalProperties: false,
    description: 'Node fault (target: node, aggregator, bearing-node): SIGSTOP (docker: pause); the node answers nothing. With `duration`, resumed after it. Its legs count as faulted until the resume plus one slot of recovery grace.',
    examples: [{}]
  },
  fromFile: bare('pause'),
  async apply (_a, ctx) {
    if (ctx.state === 'paused') throw new Error(`node ${ctx.node} is paused already`)
    if (ctx.state !== undefined) throw new Error(`node ${ctx.node} is ${ctx.state}: nothing to pause`)
    const since = Date.now()
    ctx.setState('paused')
    ctx.record('pause', 'apply', since)
    await ctx.running.pause()
    if (ctx.durationMs === undefined) return
    await sleep(ctx.durationMs, undefined, { signal: ctx.signal })
    await resume.apply({ kind: 'resume' }, { ...ctx, state: 'paused' })
  }
}
