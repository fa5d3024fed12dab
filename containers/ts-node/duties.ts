/**
 * Attestation duties: at the start of every slot each of this node's
 * validators publishes one attestation on its subnet topic, after this node's
 * block when it proposes the slot (duties.blocks, block.ts). Received
 * attestations are reported as msg_received, blocks as block_received; coverage is the harness's
 * business (it reads the events), the node only reports facts.
 */
import type { GossipsubMessage } from '@libp2p/gossipsub'
import { attestationTopic, decodeAttestation, encodeAttestation, subnetOf, toHex } from './attestation.ts'
import { blockTopic, decodeBlock, encodeBlock, proposes } from './block.ts'
import type { NodeConfig } from '../../harness/contract/node-config.ts'
import type { EventLog } from './events.ts'
import type { MeshNode } from './node.ts'

/** The topics this node subscribes to: its subnets (all, or duties.subscribeSubnets) and the block topic with duties.blocks. */
export function subscribedTopics (duties: NodeConfig['duties']): string[] {
  const subnets = duties.subscribeSubnets ?? Array.from({ length: duties.subnets }, (_, s) => s)
  const topics = subnets.map(s => attestationTopic(duties.forkDigest, s))
  return duties.blocks != null ? [...topics, blockTopic(duties.forkDigest)] : topics
}

export class Duties {
  private readonly node: MeshNode
  private duties: NodeConfig['duties']
  private readonly events: EventLog
  private timer?: NodeJS.Timeout
  private subscribeTimer?: NodeJS.Timeout
  private subscribed = false
  private nextSlot = 0
  private readonly index: number

  constructor (node: MeshNode, duties: NodeConfig['duties'], events: EventLog, index: number) {
    this.node = node
    this.index = index
    this.duties = duties
    this.events = events
  }

  start (): void {
    // a late subscribe lets a peer's SUBSCRIBE arrive before our own (the boot race of contract section 2's
    // subscribeDelayMs), or lands at a point of the run timed from genesis (subscribeAtMs, scheduled by
    // setGenesis); publishing before it goes out through fanout
    if (this.duties.subscribeAtMs === undefined) {
      const delay = this.duties.subscribeDelayMs ?? 0
      if (delay > 0) this.subscribeTimer = setTimeout(() => { this.subscribe() }, delay)
      else this.subscribe()
    }
    this.node.gossip.addEventListener('gossipsub:message', evt => { this.onMessage(evt.detail) })
    this.setGenesis(this.duties.genesisMs)
  }

  private subscribe (): void {
    if (this.subscribed) return
    this.subscribed = true
    for (const topic of subscribedTopics(this.duties)) this.node.gossip.subscribe(topic)
  }

  /** (Re)schedules publishing from this genesis (the next slot to start from now on), and a subscribe timed from it. */
  setGenesis (genesisMs: number): void {
    clearTimeout(this.timer)
    this.duties = { ...this.duties, genesisMs }
    this.nextSlot = Math.max(0, Math.ceil((Date.now() - genesisMs) / this.duties.slotMs))
    this.schedule()
    const at = this.duties.subscribeAtMs
    if (at !== undefined && !this.subscribed) {
      clearTimeout(this.subscribeTimer)
      this.subscribeTimer = setTimeout(() => { this.subscribe() }, Math.max(0, genesisMs + at - Date.now()))
    }
  }

  stop (): void {
    clearTimeout(this.timer)
    clearTimeout(this.subscribeTimer)
  }

  async publish (slot: number, validator: number): Promise<Record<string, unknown>> {
    const topic = attestationTopic(this.duties.forkDigest, subnetOf(validator, this.duties.subnets))
    const data = encodeAttestation({ slot, validator, publishedAtMs: Date.now() }, this.duties.paddingBytes)
    const sent = await this.send(topic, data)
    const fields = { topic, msgId: sent.msgId, slot, validator, recipients: sent.recipients, ...sent.error }
    this.events.emit('msg_published', fields)
    return fields
  }

  async publishBlock (slot: number): Promise<void> {
    const topic = blockTopic(this.duties.forkDigest)
    const bytes = this.duties.blocks?.bytes ?? 0
    const data = encodeBlock({ slot, proposer: this.index, publishedAtMs: Date.now() }, bytes)
    const sent = await this.send(topic, data)
    this.events.emit('block_published', { topic, msgId: sent.msgId, slot, proposer: this.index, bytes: data.byteLength, recipients: sent.recipients, ...sent.error })
  }

  /** Publishes `data` on `topic`: its message id (the devnet's wire profile), recipients, and `publishError` when it failed. */
  private async send (topic: string, data: Uint8Array): Promise<{ msgId: string, recipients: string[], error: { publishError?: string } }> {
    const msgId = toHex(this.node.messageId(topic, data))
    try {
      const result = await this.node.gossip.publish(topic, data)
      return { msgId, recipients: result.recipients.map(p => p.toString()), error: {} }
    } catch (err) {
      return { msgId, recipients: [], error: { publishError: (err as Error).message } }
    }
  }

  private schedule (): void {
    const { slots, genesisMs, slotMs } = this.duties
    if (slots != null && this.nextSlot >= slots) return
    const delay = Math.max(0, genesisMs + this.nextSlot * slotMs - Date.now())
    this.timer = setTimeout(() => {
      const slot = this.nextSlot++
      if (proposes(this.duties.blocks, slot)) void this.publishBlock(slot)
      for (const v of this.duties.validators) void this.publish(slot, v)
      this.schedule()
    }, delay)
  }

  private onMessage (m: GossipsubMessage): void {
    const peer = m.propagationSource.toString()
    const inbound = this.node.internals.streamsInbound.get(peer)
    const leg = this.node.observer.legOf(inbound?.rawStream)
    if (m.msg.topic === blockTopic(this.duties.forkDigest)) {
      const block = decodeBlock(m.msg.data)
      if (block === undefined) return
      this.events.emit('block_received', {
        topic: m.msg.topic, msgId: m.msgId, slot: block.slot, proposer: block.proposer, bytes: m.msg.data.byteLength,
        from: peer, leg: leg?.id, latencyMs: Date.now() - block.publishedAtMs
      })
      return
    }
    const att = decodeAttestation(m.msg.data)
    this.events.emit('msg_received', {
      topic: m.msg.topic, msgId: m.msgId, slot: att?.slot, validator: att?.validator,
      from: peer, leg: leg?.id, latencyMs: att != null ? Date.now() - att.publishedAtMs : undefined
    })
  }
}
