/**
 * Decide, then apply: the proxy's toxic list is compiled, whenever it changes,
 * into one small plan per flow and direction. The datagram path then reads a
 * few numbers instead of walking toxics.
 *
 * Several toxics on one stream combine: any blackhole drops; losses combine as
 * independent drops (1 - prod(1 - p)); latencies and jitters add up; the
 * smallest size limit wins; of several burst_loss toxics the last one counts.
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
  /** a later datagram may overtake an earlier one (latency toxic `reorder: 1`); otherwise arrival order is kept */
  reorder: boolean
  /** drop datagrams larger than this many bytes, 0 = no limit (size_limit) */
  maxBytes: number
  /** burst_loss: drop everything while (epoch ms - burstOffsetMs) mod burstPeriodMs < burstMs; burstMs 0 = off */
  burstPeriodMs: number
  burstMs: number
  burstOffsetMs: number
}

const NO_LIMITS = { maxBytes: 0, burstPeriodMs: 0, burstMs: 0, burstOffsetMs: 0 }
export const PASS: Readonly<DirectionPlan> = Object.freeze({ drop: false, loss: 0, latencyMs: 0, jitterMs: 0, reorder: false, ...NO_LIMITS })
export const DROP: Readonly<DirectionPlan> = Object.freeze({ drop: true, loss: 0, latencyMs: 0, jitterMs: 0, reorder: false, ...NO_LIMITS })

/** Whether a burst_loss plan drops at `epochMs` (wall clock, so the schedule does not move when toxics are recompiled). */
export function inBurst (plan: Readonly<DirectionPlan>, epochMs: number): boolean {
  if (plan.burstMs <= 0 || plan.burstPeriodMs <= 0) return false
  const phase = ((epochMs - plan.burstOffsetMs) % plan.burstPeriodMs + plan.burstPeriodMs) % plan.burstPeriodMs
  return phase < plan.burstMs
}

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
  let reorder = false
  let maxBytes = 0
  let burst = { burstPeriodMs: 0, burstMs: 0, burstOffsetMs: 0 }
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
        reorder ||= toxic.attributes.reorder === 1
        break
      case 'size_limit': {
        const bytes = toxic.attributes.bytes ?? 0
        if (bytes > 0 && (maxBytes === 0 || bytes < maxBytes)) maxBytes = bytes
        break
      }
      case 'burst_loss':
        burst = { burstPeriodMs: toxic.attributes.period ?? 0, burstMs: toxic.attributes.duration ?? 0, burstOffsetMs: toxic.attributes.offset ?? 0 }
        break
      case 'rebind':
        // an action, not a state: applied by the proxy when the toxic is added
        break
    }
  }
  if (!drop && keep === 1 && latencyMs === 0 && jitterMs === 0 && maxBytes === 0 && burst.burstMs === 0) return PASS
  return { drop, loss: 1 - keep, latencyMs, jitterMs, reorder, maxBytes, ...burst }
}
