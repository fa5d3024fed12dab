/**
 * The `restart` node action on a running devnet: stop the node, wait, start it again with the
 * same identity (seed + index give the same peer id, checked), the same listen ports and the
 * same config, then put it back in the devnet.
 *
 *   running.stop() ──(after)──> runtime.startNode(same config, listen ports pinned) ──> peer id checked
 *     ──> devnet adopts it (events, exit, client) ──> proxies of its inbound legs re-pointed if its
 *         address moved (docker: a new container may get a new IP) ──> genesis set ──> it dials its
 *         outbound legs through their proxies (its peers redial theirs on their own)
 *
 * The runtime is the same one the devnet started the node with, so the process runtime gives a
 * new child process and the docker runtime a new container on the run network.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { NodeConfig } from '../contract/node-config.ts'
import type { Leg } from '../faults/leg.ts'
import type { NodeLaunch, RunningNode, Runtime } from '../runtime/runtime.ts'
import { hostPortOf, listenFor, multiaddrOf } from './addresses.ts'

export interface RestartDeps {
  runtime: Runtime
  /** the node as it runs now */
  running: RunningNode
  /** the launch it was first started with */
  launch: NodeLaunch
  /** legs the node dials (it is handed their proxy addresses again) and legs it listens on (their proxies forward to it) */
  outbound: Leg[]
  inbound: Leg[]
  /** peer id of each node by name */
  peerIdOf: (node: string) => string
  /** takes the new RunningNode into the devnet (events, exit, control client) */
  adopt: (running: RunningNode) => void
  genesisMs: number
  setGenesis: (running: RunningNode, genesisMs: number) => Promise<void>
  dial: (running: RunningNode, peerId: string, proxyAddr: string, name: string) => Promise<void>
  log?: (fields: Record<string, unknown>, message: string) => void
}

export class RestartError extends Error {
  override name = 'RestartError'
}

export async function restartNode (deps: RestartDeps, afterMs: number, signal: AbortSignal): Promise<RunningNode> {
  const old = deps.running
  const launch = { ...deps.launch, config: pinnedConfig(deps.launch.config, old, deps.runtime.listenHost) }
  await old.stop()
  if (afterMs > 0) await sleep(afterMs, undefined, { signal })
  const running = await deps.runtime.startNode(launch, { signal })
  if (running.peerId !== old.peerId) {
    await running.stop()
    throw new RestartError(`node ${launch.name} came back as ${running.peerId}, not ${old.peerId}: a restart must keep the identity`)
  }
  deps.adopt(running)
  for (const leg of deps.inbound) {
    const addr = listenFor(running.listen, leg.transport)
    if (addr == null) throw new RestartError(`node ${launch.name} came back without a ${leg.transport} listen address (listen: ${running.listen.join(', ')})`)
    await leg.retarget(hostPortOf(addr))
  }
  await deps.setGenesis(running, deps.genesisMs)
  // a failed dial is not fatal: the node keeps the peer and redials with backoff (as at boot)
  await Promise.all(deps.outbound.map(async leg => {
    await deps.dial(running, deps.peerIdOf(leg.listener), multiaddrOf(leg.proxyAddr, leg.transport), leg.listener)
      .catch((err: Error) => { deps.log?.({ leg: leg.name, err: err.message }, 'dial after restart failed (the node redials)') })
  }))
  deps.log?.({ node: launch.name, afterMs, listen: running.listen, control: running.controlUrl }, 'node restarted')
  return running
}

/**
 * The config the node was first started with, with the ports it ended up on instead of 0:
 * listen ports (its peers' proxies forward there) and, where the runtime lets the node pick
 * it, the control port.
 */
export function pinnedConfig (config: NodeConfig, running: RunningNode, listenHost: string): NodeConfig {
  const listen = config.listen.map(spec => {
    const transport = spec.includes('/quic') ? 'quic' : 'tcp'
    const actual = listenFor(running.listen, transport)
    if (actual == null) return spec
    const port = hostPortOf(actual).split(':').at(-1) as string
    return spec.replace(/^\/ip4\/[^/]+\/(udp|tcp)\/\d+/, `/ip4/${listenHost}/$1/${port}`)
  })
  const controlPort = Number(new URL(running.controlUrl).port)
  return { ...config, listen, control: { ...config.control, port: Number.isInteger(controlPort) && controlPort > 0 ? controlPort : config.control.port } }
}
