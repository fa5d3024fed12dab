/**
 * What the swarm runtime takes from the environment, read in this one place (never at
 * import time): callers pass a `SwarmSettings` down.
 *
 *   MESHFLAP_SWARM_ENGINES  how the harness reaches the engine of each swarm node that is not the
 *                           manager it talks to: `hostname=docker-host,...`, e.g.
 *                           `meshflap-engine2=unix:///run/meshflap-engine2/docker.sock,b2=tcp://10.0.0.7:2375`.
 *                           kill / pause / resume (no service verb does them), logs and image loading
 *                           go through it. A swarm node without an entry gets no task of the run.
 *   MESHFLAP_SWARM_HOSTS    which swarm node (by hostname) runs what: `A=host1,B=host2,engines=host1`
 *                           (`engines` places both fault engines; `toxiproxy=`/`udp-proxy=` one each).
 *                           Unnamed nodes are spread round-robin over the usable swarm nodes, engines
 *                           go to the manager.
 *   DOCKER_HOST             the manager's engine (read by dockerode itself)
 *
 * The docker runtime's settings (base image, mirror, MESHFLAP_REQUIRE_DOCKER) apply as well.
 */
import Docker from 'dockerode'

export class SwarmSettingsError extends Error {
  override name = 'SwarmSettingsError'
}

export interface SwarmSettings {
  /** swarm node hostname -> docker host URL of its engine */
  engines: Map<string, string>
  /** scenario node name (or `toxiproxy`, `udp-proxy`) -> swarm node hostname */
  hosts: Map<string, string>
}

export function swarmSettingsFromEnv (env: NodeJS.ProcessEnv = process.env): SwarmSettings {
  return {
    engines: pairs('MESHFLAP_SWARM_ENGINES', env.MESHFLAP_SWARM_ENGINES),
    hosts: expandEngines(pairs('MESHFLAP_SWARM_HOSTS', env.MESHFLAP_SWARM_HOSTS))
  }
}

/** A dockerode client for `unix:///path` or `tcp://host:port` (`http://`, `https://` too). */
export function dockerAt (url: string): Docker {
  if (url.startsWith('unix://')) return new Docker({ socketPath: url.slice('unix://'.length) })
  const m = /^(tcp|http|https):\/\/([^:/]+)(?::([0-9]+))?\/?$/.exec(url)
  if (m == null) throw new SwarmSettingsError(`MESHFLAP_SWARM_ENGINES: "${url}" is no docker host (unix:///path or tcp://host:port)`)
  return new Docker({ protocol: m[1] === 'https' ? 'https' : 'http', host: m[2], port: Number(m[3] ?? (m[1] === 'https' ? 2376 : 2375)) })
}

function pairs (name: string, value: string | undefined): Map<string, string> {
  const out = new Map<string, string>()
  for (const item of (value ?? '').split(',').map(s => s.trim()).filter(s => s !== '')) {
    const eq = item.indexOf('=')
    if (eq <= 0 || eq === item.length - 1) throw new SwarmSettingsError(`${name}: "${item}" is not key=value (whole value: "${value ?? ''}")`)
    out.set(item.slice(0, eq).trim(), item.slice(eq + 1).trim())
  }
  return out
}

function expandEngines (hosts: Map<string, string>): Map<string, string> {
  const both = hosts.get('engines')
  if (both === undefined) return hosts
  hosts.delete('engines')
  for (const role of ['toxiproxy', 'udp-proxy']) if (!hosts.has(role)) hosts.set(role, both)
  return hosts
}
