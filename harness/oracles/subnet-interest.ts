/**
 * Which attestations a node is meant to hear. With every node on every subnet
 * (the default) that is all of them; with sparse subnets (scenario
 * `subnetSubscriptions: sparse`, RunNode.subscribeSubnets) only those on the
 * subnets it subscribes to, so a direction that carries none of a publisher's
 * subnets is no direction at all: it is not judged, rather than failed.
 */
import type { RunNode } from '../history/types.ts'
import type { RunIndex } from './run-index.ts'

/** The validators of `publisher` whose attestations `receiver` subscribes to (v on subnet v % subnets). */
export function heardValidators (ix: RunIndex, publisher: RunNode, receiver: RunNode): number[] {
  const subnets = ix.start.subnets
  const subscribed = receiver.subscribeSubnets
  if (subscribed === undefined || subnets === undefined) return publisher.validators
  return publisher.validators.filter(v => subscribed.includes(v % subnets))
}
