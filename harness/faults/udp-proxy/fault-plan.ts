/**
 * Decide, then apply: the proxy's toxic list is compiled, whenever it changes,
 * into one small plan per flow and direction. The datagram path then reads a
 * few numbers instead of walking toxics.
 *
 * Several toxics on one stream combine: any blackhole drops; losses combine as
 * independent drops (1 - prod(1 - p)); latencies and jitters add up.
 */
import type { RandomSource } from './random.ts'
import type { Stream, Toxic } from './toxics.ts'

/** What one direction of one flow does with each datagram. */
export interface DirectionPlan {
  /** drop every datagram (blackhole, or the proxy is disabled) */
  drop: boolean
  /** probability of dropping one datagram, 0 = never */
  loss: number
  /** base delay in ms, 0 = send at once */
  latencyMs: number
  /** uniform +- jitter in ms around latencyMs */
  jitterMs: number
}

export const PASS: Readonly<DirectionPlan> = Object.freeze({ drop: false, loss: 0, latencyMs: 0, jitterMs: 0 })
export const DROP: Readonly<DirectionPlan> = Object.freeze({ drop: true, loss: 0, latencyMs: 0, jitterMs: 0 })

/**
 * The plan for one direction of one flow. `random` decides each toxic's
 * toxicity draw (only drawn when toxicity < 1, so the common case consumes
 * no randomness and loss sequences stay reproducible).
 */
export function compilePlan (toxics: readonly Toxic[], stream: Stream, random: RandomSource): DirectionPlan {
  let drop = false
  let keep = 1
  let latencyMs = 0
  let jitterMs = 0
  for (const toxic of toxics) {
    if (toxic.stream !== stream) continue
    if (toxic.toxicity < 1 && !(random() < toxic.toxicity)) continue
    switch (toxic.type) {
      case 'blackhole':
        drop = true
        break
      case 'loss':
        keep *= 1 - (toxic.attributes.probability ?? 0)
        break
      case 'latency':
        latencyMs += toxic.attributes.latency ?? 0
        jitterMs += toxic.attributes.jitter ?? 0
        break
      case 'rebind':
        // an action, not a state: applied by the proxy when the toxic is added
        break
    }
  }
  if (!drop && keep === 1 && latencyMs === 0 && jitterMs === 0) return PASS
  return { drop, loss: 1 - keep, latencyMs, jitterMs }
}
