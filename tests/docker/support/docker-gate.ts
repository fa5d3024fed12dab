/**
 * Whether the docker tests run here. Without an engine they are skipped with one
 * line saying why and how to enable them; with MESHFLAP_REQUIRE_DOCKER=1 (CI) they
 * fail instead.
 *
 *   before(async function () { docker = await dockerOrSkip(this) })
 */
import type Docker from 'dockerode'
import { dockerClient, ENSURE_ENGINE_COMMAND, probeEngine } from '../../../harness/runtime/docker-engine.ts'
import type { EngineProbe } from '../../../harness/runtime/docker-engine.ts'
import { dockerSettingsFromEnv } from '../../../harness/runtime/docker-settings.ts'

// one probe and one skip line per mocha process, however many docker test files run
let probed: Promise<EngineProbe> | undefined
let announced = false

export async function dockerOrSkip (ctx: Mocha.Context): Promise<Docker> {
  const docker = dockerClient()
  probed ??= probeEngine(docker, { timeoutMs: 5000 })
  const probe = await probed
  if (probe.reachable) return docker
  const why = `no Docker engine at ${probe.endpoint} (${probe.error ?? 'no answer'})`
  if (dockerSettingsFromEnv().requireDocker) {
    throw new Error(`MESHFLAP_REQUIRE_DOCKER=1 but ${why}; run \`${ENSURE_ENGINE_COMMAND}\``)
  }
  if (!announced) {
    announced = true
    process.stdout.write(`  docker tests skipped: ${why}; enable them with \`${probe.fix ?? ENSURE_ENGINE_COMMAND}\`\n`)
  }
  ctx.skip()
}

/** Names of this run's containers and networks still on the engine (all states). */
export async function leftovers (docker: Docker, runId: string): Promise<{ containers: string[], networks: string[] }> {
  const filters = { label: [`meshflap.run=${runId}`] }
  const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })])
  return { containers: containers.map(c => (c.Names[0] ?? c.Id).replace(/^\//, '')), networks: networks.map(n => n.Name) }
}

/** Polls `leftovers` until `done` holds or `timeoutMs` passes; returns the last answer. */
export async function waitForLeftovers (docker: Docker, runId: string, done: (l: { containers: string[], networks: string[] }) => boolean, timeoutMs: number): Promise<{ containers: string[], networks: string[] }> {
  const deadline = Date.now() + timeoutMs
  let last = await leftovers(docker, runId)
  while (!done(last) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 250))
    last = await leftovers(docker, runId)
  }
  return last
}
