/**
 * Pair action `simultaneous-dial`: redials held off at both ends, both legs closed, then both
 * ends dial each other through the control API in the same instant (harness/devnet/simultaneous-dial.ts).
 * The outcome of each dial is in the history; a dial that errored is also noted for the report.
 */
import type { PairAction } from './action.ts'
import { bare } from './action.ts'

export type SimultaneousDialSpec = { kind: 'simultaneous-dial' }

export const simultaneousDial: PairAction<SimultaneousDialSpec> = {
  kind: 'simultaneous-dial',
  on: 'pair',
  takesDuration: false,
  params: [],
  schema: {
    type: 'object',
    additionalProperties: false,
    description: 'Pair action (target: { pair: [A, B] } alone): redials are held off at A and B, both legs closed, then A and B dial each other through the control API in the same instant, then redials resume. The outcome of each dial is recorded. Takes no duration.',
    examples: [{}]
  },
  fromFile: bare('simultaneous-dial'),
  async apply (_a, ctx) {
    const result = await ctx.simultaneousDial()
    const failed = result.outcomes.filter(o => o.startsWith('error'))
    if (failed.length > 0) ctx.note(`simultaneous dial ${ctx.pair.join(' <-> ')}: ${result.outcomes.join('; ')}`)
  }
}
