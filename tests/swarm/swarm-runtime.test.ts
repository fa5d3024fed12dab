// suite: serial — uses the one Docker engine, puts it in a swarm for the file's duration, and may start a second engine
/**
 * Issue 18, for real: the swarm runtime on a two-node swarm made on this machine (the engine as
 * manager, ci/docker/second-engine.sh's engine in its own network namespace as a worker), or on
 * a one-node swarm when no second engine can be had (the gate says why).
 *
 * - nodes on both swarm nodes, every leg through its proxy on the overlay, attestations both ways;
 *   pause / resume / kill of a node on the worker through the worker's engine; logs in the run dir
 * - pr278 with its nodes spread over both engines: the process runtime's verdicts
 * - nothing of a run left on either engine: after dispose, after SIGINT (exit 130), and after a
 *   SIGKILLed harness once the next swarm runtime has swept
 */
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { SwarmRuntime } from '../../harness/runtime/swarm-runtime.ts'
import type { FaultEngine } from '../../harness/faults/engine.ts'
import { loadScenario } from '../../harness/scenario/load-scenario.ts'
import { runScenario } from '../../harness/runner/run-scenario.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'
import { waitFor } from '../support/wait-for.ts'
import { deliveries, dialThroughProxies, meshed, nodeConfig, record } from '../docker/support/docker-pair.ts'
import type { Recorded } from '../docker/support/docker-pair.ts'
import { swarmLeftovers, swarmOrSkip, waitForNoLeftovers } from './support/swarm-gate.ts'
import type { TestSwarm } from './support/swarm-gate.ts'

const log = (line: string): void => { process.stdout.write(`      [swarm] ${line}\n`) }

/** A run long enough to be interrupted: two TS nodes over QUIC (one engine, the UDP proxy). */
const LONG_RUN = `
name: swarm-interrupted
description: two nodes, long enough to be interrupted mid-run
seed: 18
validators: 4
nodes:
  - { name: A }
  - { name: B }
transport: quic
slotMs: 1000
slots: 60
genesisDelayMs: 500
expectations: [streams-survive]
`

describe('swarm runtime: one service per node and fault engine, over the swarm\'s nodes', function () {
  this.timeout(180_000)
  let swarm: TestSwarm
  let engines: Docker[]
  let dir: string

  before(async function () {
    this.timeout(15 * 60_000)
    swarm = await swarmOrSkip(this)
    engines = [swarm.manager, ...(swarm.two !== undefined ? [swarm.two.docker] : [])]
    dir = await mkdtemp(join(tmpdir(), 'meshflap-swarm-'))
    // images built on the manager and loaded onto the worker first, so the tests time only their runs
    const warm = new SwarmRuntime({ dir: join(dir, 'warm'), swarm: swarm.settings, log })
    try {
      const t0 = performance.now()
      const prepared = await warm.prepare({ images: ['ts-node', 'udp-proxy', 'toxiproxy'] })
      log(`prepare ${Math.round(performance.now() - t0)} ms on ${prepared.cluster.hosts.map(h => `${h.hostname} (${h.addr})`).join(', ')}`)
    } finally {
      await warm.dispose()
    }
  })

  after(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
    await swarm?.restore()
  })

  it('nodes on every swarm node: legs through their proxy on the overlay, deliveries both ways, pause/resume/kill via the node\'s engine, logs in the run dir, nothing left after dispose', async () => {
    const runDir = join(dir, 'pair')
    const rt = new SwarmRuntime({ dir: runDir, swarm: swarm.settings, log })
    let a: Recorded | undefined
    let b: Recorded | undefined
    let engine: FaultEngine | undefined
    try {
      const starts = await Promise.all([
        rt.startFaultEngine('udp', { seed: 1 }),
        rt.startNode({ name: 'A', impl: 'ts', config: nodeConfig('A', 0, [0, 1], 'quic') }),
        rt.startNode({ name: 'B', impl: 'ts', config: nodeConfig('B', 1, [2, 3], 'quic') })
      ])
      engine = starts[0]
      a = record(starts[1], [0, 1])
      b = record(starts[2], [2, 3])
      const hosts = [...rt.tasks.entries()].map(([service, t]) => `${service.replace(/^.*-(node-|udp)/, '$1')}@${t.host.hostname}`)
      log(`placed: ${hosts.join(', ')}; service start to task running: A ${starts[1].startMs} ms, B ${starts[2].startMs} ms`)
      const hostOf = (name: string): string => [...rt.tasks.values()].find(t => t.containerName.endsWith(`-node-${name}`))!.host.hostname
      if (swarm.two !== undefined) {
        expect(hostOf('A')).to.not.equal(hostOf('B'))
        expect([hostOf('A'), hostOf('B')]).to.include(swarm.two.hostname)
      }
      // overlay addresses for peers, a published port on the swarm node for the harness
      const taskOf = (name: string): { ip: string } => [...rt.tasks.values()].find(t => t.containerName.endsWith(`-node-${name}`))!
      expect(a.node.listen[0]).to.match(new RegExp(`^/ip4/${taskOf('A').ip.replace(/\./g, '\\.')}/udp/[0-9]+/quic-v1$`))
      expect(a.node.controlUrl).to.not.include(taskOf('A').ip)
      const proxies = await dialThroughProxies(engine, a, b, 'quic')
      await waitFor(async () => meshed(await a!.client.status()) && meshed(await b!.client.status()), 30_000, 'A and B are meshed', 100)
      for (const [node, peer] of [[a, b], [b, a]] as const) {
        const outbound = (await node.client.status()).legs.filter(l => l.direction === 'outbound')
        const proxy = proxies.get(`${node.node.name}-to-${peer.node.name}`)!
        expect(outbound.map(l => l.remote.replace(/\/p2p\/.*$/, ''))).to.deep.equal([`/ip4/${proxy.replace(/:([0-9]+)$/, '/udp/$1/quic-v1')}`])
      }
      // the configs park genesis an hour away (docker-pair's nodeConfig): duties start now
      const genesis = Date.now() + 500
      await Promise.all([a.client.setGenesis(genesis), b.client.setGenesis(genesis)])
      await waitFor(() => deliveries(a!, b!).length >= 2 && deliveries(b!, a!).length >= 2, 20_000, 'two attestations each way', 100)

      // B runs on the worker when there is one: its freeze and its kill go through that engine
      await b.node.pause()
      const frozen = await b.client.status().then(() => 'answered', (err: Error) => err.message)
      expect(frozen, 'a paused node does not answer').to.not.equal('answered')
      await b.node.resume()
      await waitFor(async () => (await b!.client.status()).legs.length > 0, 10_000, 'B answers again', 100)
      await b.node.kill()
      expect(await b.node.exited).to.include({ signal: 'SIGKILL', expected: false })
    } finally {
      await rt.dispose()
    }
    const files = await readdir(runDir)
    expect(files).to.include.members(['A.log', 'B.log', 'A.config.json', 'udp-proxy-1.log'])
    expect(await readFile(join(runDir, 'A.log'), 'utf8')).to.match(/"type":"ready"/)
    expect(await waitForNoLeftovers(swarm.manager, engines, rt.runId, 30_000)).to.deep.equal([])
  })

  it('pr278 with its nodes on both engines: the same verdicts as the process runtime; nothing left', async function () {
    this.timeout(300_000)
    const scenario = await loadScenario(join(PROJECT_ROOT, 'fixtures', 'scenarios', 'pr278-non-bearing-leg-flap.yaml'))
    const onProcess = await runScenario(scenario, { runtime: 'process', outDir: join(dir, 'process') })
    const onSwarm = await runScenario(scenario, { runtime: 'swarm', outDir: join(dir, 'swarm') })
    log(`pr278 wall time: process ${onProcess.wallMs} ms, swarm ${onSwarm.wallMs} ms (${engines.length} engine(s))`)
    const statuses = (r: typeof onSwarm): string[] => r.verdicts.map(v => `${v.expectation}: ${v.status}`)
    const why = onSwarm.verdicts.filter(v => v.status !== 'pass').map(v => `${v.title}: ${v.findings[0]?.message ?? v.summary}`).join('\n')
    expect(statuses(onSwarm), `${why}\n${onSwarm.dir}`).to.deep.equal(statuses(onProcess))
    expect(onSwarm.status).to.equal('pass')
    const results = JSON.parse(await readFile(join(onSwarm.dir, 'results.json'), 'utf8')) as { versions?: Record<string, string> }
    const placed = Object.entries(results.versions ?? {}).filter(([k]) => k.startsWith('task ') && k.includes('-node-')).map(([, v]) => v.split(' ')[0])
    expect(placed, JSON.stringify(results.versions)).to.have.length(4)
    if (swarm.two !== undefined) expect(new Set(placed).size, `nodes on ${placed.join(', ')}`).to.equal(2)
    const history = await readFile(join(onSwarm.dir, 'history.ndjson'), 'utf8')
    const runId = (JSON.parse(history.split('\n').find(l => l.includes('"kind":"run_start"'))!) as { runId: string }).runId
    expect(await waitForNoLeftovers(swarm.manager, engines, runId, 30_000)).to.deep.equal([])
    expect(await readdir(onSwarm.dir)).to.include.members(['A.log', 'B.log', 'C.log', 'D.log', 'history.ndjson'])
  })

  it('SIGINT mid-run: exit 130 and nothing left on either engine; a SIGKILLed harness\'s run is swept by the next start', async () => {
    const file = join(dir, 'long.yaml')
    await writeFile(file, LONG_RUN)
    const started = async (out: string): Promise<{ child: ReturnType<typeof spawn>, runId: string, exited: Promise<{ code: number | null, signal: string | null }>, stderr: string[] }> => {
      const child = spawn(process.execPath, [join(PROJECT_ROOT, 'harness', 'cli', 'bin.js'), 'run', file, '--runtime', 'swarm', '--out', out], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MESHFLAP_SWARM_ENGINES: [...swarm.settings.engines].map(([h, u]) => `${h}=${u}`).join(',') } })
      const stderr: string[] = []
      child.stderr.on('data', (d: Buffer) => { stderr.push(d.toString()) })
      const exited = new Promise<{ code: number | null, signal: string | null }>(resolve => { child.once('exit', (code, signal) => { resolve({ code, signal }) }) })
      let runId = ''
      await waitFor(async () => {
        for (const d of await readdir(out).catch(() => [])) {
          const start = (await readFile(join(out, d, 'history.ndjson'), 'utf8').catch(() => '')).split('\n').find(l => l.includes('"kind":"run_start"'))
          if (start !== undefined) runId = (JSON.parse(start) as { runId: string }).runId
        }
        return runId !== ''
      }, 120_000, `the run started (${stderr.join('')})`, 250)
      return { child, runId, exited, stderr }
    }

    const interrupted = await started(join(dir, 'sigint'))
    expect((await swarmLeftovers(swarm.manager, engines, interrupted.runId)).filter(l => l.startsWith('service'))).to.have.length(3)
    interrupted.child.kill('SIGINT')
    expect(await interrupted.exited, interrupted.stderr.join('')).to.deep.equal({ code: 130, signal: null })
    expect(await waitForNoLeftovers(swarm.manager, engines, interrupted.runId, 30_000)).to.deep.equal([])

    const killed = await started(join(dir, 'sigkill'))
    killed.child.kill('SIGKILL')
    await killed.exited
    // no lifeline: its services run on until a swarm runtime of a live harness sweeps them
    expect(await swarmLeftovers(swarm.manager, engines, killed.runId)).to.not.deep.equal([])
    const next = new SwarmRuntime({ dir: join(dir, 'next'), swarm: swarm.settings, log })
    try {
      await next.prepare()
    } finally {
      await next.dispose()
    }
    expect(await waitForNoLeftovers(swarm.manager, engines, killed.runId, 30_000)).to.deep.equal([])
  })
})
