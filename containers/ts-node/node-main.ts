/**
 * The TS node's run: config, libp2p node, control API, duties, `ready`
 * (started by main.ts once Node's compile cache is on).
 * Exit codes: 0 stopped by SIGTERM/SIGINT or stdin EOF, 2 bad config or a
 * listen address in use, 1 any other failure. Events on stdout, diagnostics on stderr.
 */
import { EventLog } from './events.ts'
import { ConfigError, loadConfig } from './config.ts'
import type { NodeConfig } from '../../harness/contract/node-config.ts'
import { buildNode } from './node.ts'
import type { MeshNode } from './node.ts'
import { Duties } from './duties.ts'
import { statusOf } from './status.ts'
import { NodeMetrics } from './metrics.ts'
import { startControlApi } from './control-api.ts'
import { SchedProbe } from './sched-probe.ts'
import { installUpstreamGuards } from './upstream-guards.ts'
import type { Server } from 'node:http'

export const EXIT_BAD_CONFIG = 2

export async function main (argv: string[]): Promise<void> {
  if (argv.length !== 1 || argv[0] == null) {
    process.stderr.write('usage: main.ts <config.json>\n')
    process.exit(EXIT_BAD_CONFIG)
  }
  let config: NodeConfig
  try {
    config = await loadConfig(argv[0])
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`)
    process.exit(err instanceof ConfigError ? EXIT_BAD_CONFIG : 1)
  }

  let metrics: NodeMetrics | undefined
  const events = new EventLog({ write: line => { process.stdout.write(line) } })
  installUpstreamGuards(events)
  events.onEmit(e => { metrics?.observe(e) })
  // timer lateness, one `sched` event per window: the history then shows when this process was not scheduled
  const sched = new SchedProbe(w => { events.emit('sched', w) })

  let node: MeshNode | undefined
  let server: Server | undefined
  let duties: Duties | undefined
  let stopping = false
  const stop = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true
      sched.stop()
      duties?.stop()
      node?.legs.stop()
      node?.wedgeProbe?.stop()
      server?.closeAllConnections()
      server?.close()
      await Promise.resolve(node?.libp2p.stop()).catch(() => {})
    }
    process.exit(code)
  }
  process.on('SIGTERM', () => { void stop(0) })
  process.on('SIGINT', () => { void stop(0) })
  if (config.exitOnStdinClose) {
    process.stdin.on('end', () => { void stop(0) })
    process.stdin.resume()
  }

  try {
    node = await buildNode(config, events)
    metrics = new NodeMetrics(node)
    const api = await startControlApi(config.control.host, config.control.port, {
      status: () => ({ ...statusOf(node!, config), sched: sched.status() }),
      closeLeg: async (id, abort) => await node!.legs.closeLeg(id, abort),
      dial: async (peerId, addr, name) => ({ leg: (await node!.legs.addPeer({ peerId, addr, name })).id }),
      publish: async (slot, validator) => await duties!.publish(slot, validator),
      setRedial: enabled => { node!.legs.setRedial(enabled) },
      setGenesis: genesisMs => { duties!.setGenesis(genesisMs) }
    }, events, metrics)
    server = api.server
    await node.libp2p.start()
    duties = new Duties(node, config.duties, events, config.index)
    duties.start()
    events.emit('ready', {
      name: config.name, peerId: node.libp2p.peerId.toString(), impl: 'ts', gossipPolicy: config.gossipPolicy,
      listen: node.libp2p.getMultiaddrs().map(m => m.toString().replace(/\/p2p\/.*$/, '')), control: api.url, pid: process.pid,
      ...((config.mutants ?? []).length > 0 ? { mutants: config.mutants } : {})
    })
    sched.start()
    for (const peer of config.peers) {
      node.legs.addPeer(peer).catch(() => { /* reported as an error event; redial scheduled */ })
    }
  } catch (err) {
    const message = (err as Error).message
    const inUse = /EADDRINUSE|address already in use|Address in use/i.test(message)
    process.stderr.write(inUse ? `${argv[0]}: a listen or control address is already in use: ${message}\n` : `node failed to start: ${(err as Error).stack ?? message}\n`)
    await stop(inUse ? EXIT_BAD_CONFIG : 1)
  }
}
