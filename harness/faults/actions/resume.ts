/** Node action `resume`: ends an earlier `pause` (SIGCONT; docker: unpause); the node's directions stay excused for the recovery grace. */
import type { NodeAction } from './action.ts'
import { bare } from './action.ts'

export type ResumeSpec = { kind: 'resume' }

export const resume: NodeAction<ResumeSpec> = {
  kind: 'resume',
  on: 'node',
  signalsProcess: 'SIGCONT',
  takesDuration: false,
  params: [],
  schema: {
    type: 'object',
    additionalProperties: false,
    description: 'Node fault: ends an earlier `pause` of the same node (SIGCONT; docker: unpause). Takes no duration.',
    examples: [{}]
  },
  fromFile: bare('resume'),
  async apply (_a, ctx) {
    if (ctx.state !== 'paused') throw new Error(`node ${ctx.node} is not paused: nothing to resume`)
    const since = Date.now()
    await ctx.running.resume()
    ctx.setState(undefined)
    ctx.record('resume', 'heal', since, { graceMs: ctx.recoveryGraceMs })
  }
}
