/**
 * One TS node's life inside a process: libp2p node, control API, duties, `ready`, and a
 * stop that undoes whatever of it exists. Where its lines go is the caller's: node-main.ts
 * (one node per process) writes them to stdout/stderr; host-main.ts (several nodes per
 * process, the process runtime's `nodesPerProcess`) frames them per node.
 */
import { EventLog } from './events.ts'
import type { NodeConfig } from '../../harness/contract/node-config.ts'
import { buildNode } from './node.ts'
import type { MeshNode } from './node.ts'
import { Duties } from './duties.ts'
import { statusOf } from './status.ts'
import { NodeMetrics } from './metrics.ts'
import { startControlApi } from './control-api.ts'
import type { SharedSchedProbe } from './shared-sched.ts'
import type { Server } from 'node:http'

export const EXIT_BAD_CONFIG = 2

/** Where one node's lines go. */
export interface NodeLines {
  /** one NDJSON event line, newline included (the contract's stdout) */
  event: (line: string) => void
  /** diagnostics (the contract's stderr) */
  diagnostic: (text: string) => void
}

/** A start that failed; the node is already torn down. `exitCode` is the contract's (2: address in use, 1: anything else). */
export class NodeStartFailed extends Error {
  override name = 'NodeStartFailed'
  readonly exitCode: number
  constructor (message: string, exitCode: number) {
    super(message)
    this.exitCode = exitCode
  }
}

export class NodeRun {
  readonly events: EventLog
  private readonly config: NodeConfig
  private readonly lines: NodeLines
  private readonly sched: SharedSchedProbe
  private node: MeshNode | undefined
  private server: Server | undefined
  private duties: Duties | undefined
  private unsubscribeSched: (() => void) | undefined
  private stopping: Promise<void> | undefined

  constructor (config: NodeConfig, lines: NodeLines, sched: SharedSchedProbe) {
    this.config = config
    this.lines = lines
    this.sched = sched
    this.events = new EventLog({ write: lines.event })
  }

  /** Up to `ready` and the first dials; rejects with NodeStartFailed (after tearing down) when it cannot. */
  async start (label: string): Promise<void> {
    const config = this.config
    let metrics: NodeMetrics | undefined
    this.events.onEmit(e => { metrics?.observe(e) })
    try {
      const node = this.node = await buildNode(config, this.events)
      metrics = new NodeMetrics(node)
      const api = await startControlApi(config.control.host, config.control.port, {
        status: () => ({ ...statusOf(node, config), sched: this.sched.status() }),
        closeLeg: async (id, abort) => await node.legs.closeLeg(id, abort),
        dial: async (peerId, addr, name) => ({ leg: (await node.legs.addPeer({ peerId, addr, name })).id }),
        publish: async (slot, validator) => await this.duties!.publish(slot, validator),
        setRedial: enabled => { node.legs.setRedial(enabled) },
        setGenesis: genesisMs => { this.duties!.setGenesis(genesisMs) }
      }, this.events, metrics)
      this.server = api.server
      if (this.stopping !== undefined) throw new Error('stopped while starting')
      await node.libp2p.start()
      if (this.stopping !== undefined) throw new Error('stopped while starting')
      this.duties = new Duties(node, config.duties, this.events, config.index)
      this.duties.start()
      this.events.emit('ready', {
        name: config.name, peerId: node.libp2p.peerId.toString(), impl: 'ts', gossipPolicy: config.gossipPolicy,
        listen: node.libp2p.getMultiaddrs().map(m => m.toString().replace(/\/p2p\/.*$/, '')), control: api.url, pid: process.pid,
        ...((config.mutants ?? []).length > 0 ? { mutants: config.mutants } : {})
      })
      // timer lateness, one `sched` event per window: the history then shows when this process was not scheduled
      this.unsubscribeSched = this.sched.subscribe(w => { this.events.emit('sched', w) })
      for (const peer of config.peers) {
        node.legs.addPeer(peer).catch(() => { /* reported as an error event; redial scheduled */ })
      }
    } catch (err) {
      // again, not the memoised stop: what was built after a stop mid-start must go too
      await this.teardown()
      if (this.stopping !== undefined) throw new NodeStartFailed('stopped while starting', 0)
      const message = (err as Error).message
      const inUse = /EADDRINUSE|address already in use|Address in use/i.test(message)
      this.lines.diagnostic(inUse ? `${label}: a listen or control address is already in use: ${message}\n` : `node failed to start: ${(err as Error).stack ?? message}\n`)
      throw new NodeStartFailed(message, inUse ? EXIT_BAD_CONFIG : 1)
    }
  }

  /** Closes listeners, control API and timers (idempotent; also mid-start). */
  async stop (): Promise<void> {
    this.stopping ??= this.teardown()
    await this.stopping
  }

  private async teardown (): Promise<void> {
    this.unsubscribeSched?.()
    this.unsubscribeSched = undefined
    this.duties?.stop()
    this.node?.legs.stop()
    this.node?.wedgeProbe?.stop()
    this.server?.closeAllConnections()
    if (this.server?.listening === true) this.server.close()
    await Promise.resolve(this.node?.libp2p.stop()).catch(() => {})
  }
}
