/** Prometheus metrics for `GET /metrics`, on a registry of this node's own (no global state). */
import { Counter, Gauge, Registry } from 'prom-client'
import type { NodeEvent } from '../../harness/contract/node-events.ts'
import type { MeshNode } from './node.ts'

export class NodeMetrics {
  readonly registry = new Registry()
  private readonly events: Counter<'type'>

  constructor (node: MeshNode) {
    this.events = new Counter({ name: 'meshflap_node_events_total', help: 'Node events emitted, by type', labelNames: ['type'], registers: [this.registry] })
    const legs = new Gauge({
      name: 'meshflap_node_legs', help: 'Open legs by direction', labelNames: ['direction'], registers: [this.registry],
      collect () {
        legs.reset()
        for (const c of node.libp2p.getConnections()) legs.inc({ direction: c.direction })
      }
    })
    const streams = new Gauge({
      name: 'meshflap_node_gossip_streams', help: 'Gossip streams held, by direction', labelNames: ['direction'], registers: [this.registry],
      collect () {
        streams.set({ direction: 'outbound' }, node.internals.streamsOutbound.size)
        streams.set({ direction: 'inbound' }, node.internals.streamsInbound.size)
      }
    })
  }

  observe (event: NodeEvent): void {
    this.events.inc({ type: event.type })
  }
}
