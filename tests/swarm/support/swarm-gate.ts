/**
 * A swarm for the swarm tests, made from what this machine has, and put back as it was:
 *
 *   the engine (DOCKER_HOST)   no engine: skipped (MESHFLAP_REQUIRE_DOCKER=1: failed), as the docker tests
 *                              not in a swarm: `docker swarm init` here, `docker swarm leave --force` after
 *                              (and docker_gwbridge removed when the swarm made it); already a manager: used
 *                              as is; a worker: skipped
 *   a second engine            as root: `ci/docker/second-engine.sh up` (netns, dockerd, joined as a worker),
 *                              `down` after when it was not up before; MESHFLAP_SWARM_SECOND_ENGINE=0 skips it.
 *                              When it cannot come up, `two` is undefined and the reason is printed once.
 *   MESHFLAP_SWARM_ENGINES     set in process.env until restore() (runScenario and the CLI read it there)
 *
 *   before(async function () { swarm = await swarmOrSkip(this) })  after(async () => { await swarm?.restore() })
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type Docker from 'dockerode'
import { PROJECT_ROOT } from '../../../harness/util/paths.ts'
import { dockerAt, swarmSettingsFromEnv } from '../../../harness/runtime/swarm-settings.ts'
import type { SwarmSettings } from '../../../harness/runtime/swarm-settings.ts'
import { dockerOrSkip } from '../../docker/support/docker-gate.ts'

const run = promisify(execFile)
const SECOND_ENGINE = join(PROJECT_ROOT, 'ci', 'docker', 'second-engine.sh')

export interface TestSwarm {
  manager: Docker
  /** MESHFLAP_SWARM_ENGINES as the second engine needs it */
  settings: SwarmSettings
  /** the second engine's swarm node, when it is up and joined */
  two?: { hostname: string, docker: Docker }
  /** why there is no second engine */
  whyNoSecond?: string
  /** leaves the swarm / stops the second engine when this gate made them */
  restore: () => Promise<void>
}

export async function swarmOrSkip (ctx: Mocha.Context): Promise<TestSwarm> {
  const manager = await dockerOrSkip(ctx)
  const info = await manager.info() as { Swarm?: { LocalNodeState?: string, ControlAvailable?: boolean } }
  if (info.Swarm?.LocalNodeState === 'active' && info.Swarm.ControlAvailable !== true) {
    process.stdout.write('  swarm tests skipped: the Docker engine is a swarm worker (they need a manager)\n')
    ctx.skip()
  }
  const gwbridgeBefore = await hasNetwork(manager, 'docker_gwbridge')
  let madeSwarm = false
  if (info.Swarm?.LocalNodeState !== 'active') {
    const addr = await defaultRouteAddr()
    await manager.swarmInit({ ListenAddr: '0.0.0.0:2377', ...(addr !== undefined ? { AdvertiseAddr: addr } : {}) })
    madeSwarm = true
  }
  let madeSecond = false
  let two: TestSwarm['two']
  let whyNoSecond: string | undefined
  let settings = swarmSettingsFromEnv()
  if (process.env.MESHFLAP_SWARM_SECOND_ENGINE === '0') whyNoSecond = 'MESHFLAP_SWARM_SECOND_ENGINE=0'
  else if (process.getuid?.() !== 0) whyNoSecond = 'not root (ci/docker/second-engine.sh needs root)'
  else {
    try {
      madeSecond = (await run(SECOND_ENGINE, ['status'])).stdout.trim() === 'down'
      await run(SECOND_ENGINE, ['up'], { timeout: 180_000 })
      const env = (await run(SECOND_ENGINE, ['env'])).stdout.trim().replace(/^MESHFLAP_SWARM_ENGINES=/, '')
      settings = swarmSettingsFromEnv({ ...process.env, MESHFLAP_SWARM_ENGINES: [process.env.MESHFLAP_SWARM_ENGINES, env].filter(s => s !== undefined && s !== '').join(',') })
      const [hostname, url] = env.split('=', 2) as [string, string]
      two = { hostname, docker: dockerAt(url) }
    } catch (err) {
      const e = err as { message: string, stderr?: string }
      whyNoSecond = `ci/docker/second-engine.sh up failed: ${(e.stderr ?? e.message).trim().split('\n').slice(-3).join(' / ')}`
    }
  }
  if (whyNoSecond !== undefined) process.stdout.write(`  swarm tests on one node only: ${whyNoSecond}\n`)
  // runs started by name (runScenario, the CLI) read the engine map from the environment, as a user's do
  const enginesBefore = process.env.MESHFLAP_SWARM_ENGINES
  const engines = [...settings.engines].map(([h, u]) => `${h}=${u}`).join(',')
  if (engines !== '') process.env.MESHFLAP_SWARM_ENGINES = engines
  return {
    manager,
    settings,
    ...(two !== undefined ? { two } : {}),
    ...(whyNoSecond !== undefined ? { whyNoSecond } : {}),
    restore: async () => {
      if (enginesBefore === undefined) delete process.env.MESHFLAP_SWARM_ENGINES
      else process.env.MESHFLAP_SWARM_ENGINES = enginesBefore
      if (madeSecond) await run(SECOND_ENGINE, ['down'], { timeout: 120_000 }).catch((err: Error) => { process.stdout.write(`  second-engine.sh down failed: ${err.message}\n`) })
      if (madeSwarm) {
        await manager.swarmLeave({ force: true })
        if (!gwbridgeBefore && await hasNetwork(manager, 'docker_gwbridge')) await manager.getNetwork('docker_gwbridge').remove().catch(() => {})
      }
    }
  }
}

async function hasNetwork (docker: Docker, name: string): Promise<boolean> {
  const nets = await docker.listNetworks({ filters: { name: [name] } })
  return nets.some(n => n.Name === name)
}

/** The address of the default route's interface: what a second machine (or the second engine's netns) reaches. */
async function defaultRouteAddr (): Promise<string | undefined> {
  try {
    const { stdout } = await run('ip', ['-4', 'route', 'get', '1.1.1.1'])
    return /\bsrc ([0-9.]+)/.exec(stdout)?.[1]
  } catch {
    return undefined
  }
}

/** A run's services, configs and networks on the manager, and its containers on every engine given. */
export async function swarmLeftovers (manager: Docker, engines: Docker[], runId: string): Promise<string[]> {
  const filters = { label: [`meshflap.run=${runId}`] }
  const out: string[] = []
  for (const s of await manager.listServices({ filters }) as Array<{ Spec?: { Name?: string } }>) out.push(`service ${s.Spec?.Name ?? '?'}`)
  for (const c of await manager.listConfigs({ filters }) as Array<{ Spec?: { Name?: string } }>) out.push(`config ${c.Spec?.Name ?? '?'}`)
  for (const n of await manager.listNetworks({ filters })) out.push(`network ${n.Name}`)
  for (const [i, e] of engines.entries()) {
    for (const c of await e.listContainers({ all: true, filters })) out.push(`container ${(c.Names[0] ?? c.Id).replace(/^\//, '')} on engine ${i}`)
  }
  return out
}

/** Polls swarmLeftovers until none is left or the time is up (the swarm removes task containers asynchronously). */
export async function waitForNoLeftovers (manager: Docker, engines: Docker[], runId: string, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs
  let left = await swarmLeftovers(manager, engines, runId)
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 250))
    left = await swarmLeftovers(manager, engines, runId)
  }
  return left
}
