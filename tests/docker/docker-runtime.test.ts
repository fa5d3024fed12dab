// suite: serial — uses the one Docker engine (containers, images and networks found by label)
/**
 * The docker runtime for real: two TS node pairs, the UDP proxy and toxiproxy, each
 * in its own container on the run's internal network; every leg dialed through
 * its own proxy; attestations delivered both ways over QUIC and over TCP; node
 * logs in the run dir; nothing of the run left on the engine after dispose.
 */
import { expect } from 'chai'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { DockerRuntime } from '../../harness/runtime/docker-runtime.ts'
import type { DockerNode } from '../../harness/runtime/docker-node.ts'
import type { FaultEngine } from '../../harness/faults/engine.ts'
import { waitFor } from '../support/wait-for.ts'
import { dockerOrSkip, leftovers } from './support/docker-gate.ts'
import { deliveries, dialThroughProxies, meshed, nodeConfig, record } from './support/docker-pair.ts'
import type { Recorded, Transport } from './support/docker-pair.ts'

type EngineName = 'udp' | 'toxiproxy'

/** The nodes a test may start: index, validators, transport. A and B pair over QUIC, C and D over TCP. */
const NODES: Record<string, [number, number[], Transport]> = { A: [0, [0, 1], 'quic'], B: [1, [2, 3], 'quic'], C: [2, [4, 5], 'tcp'], D: [3, [6, 7], 'tcp'] }
const PAIRS: Record<Transport, { names: [string, string], engine: EngineName }> = { quic: { names: ['A', 'B'], engine: 'udp' }, tcp: { names: ['C', 'D'], engine: 'toxiproxy' } }

/** One test's own run: its runtime (network, containers), run dir, nodes and engines. */
interface Run {
  runtime: DockerRuntime
  dir: string
  nodes: Map<string, Recorded>
  engines: Map<EngineName, FaultEngine>
}

const log = (line: string): void => { process.stdout.write(`      [docker] ${line}\n`) }

// Each test starts the run it needs and the afterEach hook removes it, so that no test leans on
// what an earlier one started, stopped or faulted; only the images are built once, in before().
describe('docker runtime: nodes, toxiproxy and the UDP proxy in their own containers', function () {
  this.timeout(120_000)
  let docker: Docker
  const runs: Run[] = []

  before(async function () {
    // a cold engine builds the local base image (debootstrap) and the images first
    this.timeout(15 * 60_000)
    docker = await dockerOrSkip(this)
    const dir = await mkdtemp(join(tmpdir(), 'meshflap-docker-warm-'))
    const warm = new DockerRuntime({ dir, log })
    try {
      const t0 = performance.now()
      const prepared = await warm.prepare({ images: ['ts-node', 'udp-proxy', 'toxiproxy'] })
      log(`prepare ${Math.round(performance.now() - t0)} ms (base ${prepared.base.ref}: ${prepared.base.source}; ${prepared.images.map(i => `${i.name} ${i.cached ? 'cached' : 'built'} ${i.ms} ms`).join(', ')})`)
    } finally {
      await warm.dispose()
      await rm(dir, { recursive: true, force: true })
    }
  })

  afterEach(async () => {
    for (const run of runs.splice(0)) {
      await run.runtime.dispose()
      await rm(run.dir, { recursive: true, force: true })
    }
  })

  /** A run of its own with these nodes and engines, each in its own container; removed after the test. */
  async function startRun (nodeNames: string[], engineNames: EngineName[]): Promise<Run> {
    const dir = await mkdtemp(join(tmpdir(), 'meshflap-docker-'))
    const run: Run = { runtime: new DockerRuntime({ dir, log }), dir, nodes: new Map(), engines: new Map() }
    runs.push(run)
    await Promise.all([
      ...nodeNames.map(async name => {
        const [index, validators, transport] = NODES[name]!
        const r = record(await run.runtime.startNode({ name, impl: 'ts', config: nodeConfig(name, index, validators, transport) }), validators)
        run.nodes.set(name, r)
        log(`node ${name} container start ${(r.node as DockerNode).startMs} ms`)
      }),
      ...engineNames.map(async kind => { run.engines.set(kind, await run.runtime.startFaultEngine(kind, kind === 'udp' ? { seed: 1 } : {})) })
    ])
    return run
  }

  /** The transport's pair in a run of its own, both legs dialed through proxies on the engine's container, meshed. */
  async function meshedPair (transport: Transport): Promise<{ run: Run, a: Recorded, b: Recorded, engine: FaultEngine }> {
    const { names, engine: engineName } = PAIRS[transport]
    const run = await startRun(names, [engineName])
    const [a, b] = names.map(n => run.nodes.get(n)!) as [Recorded, Recorded]
    const engine = run.engines.get(engineName)!
    await dialThroughProxies(engine, a, b, transport)
    await waitFor(async () => meshed(await a.client.status()) && meshed(await b.client.status()), 20_000, `${names.join(' and ')} are meshed`, 100)
    return { run, a, b, engine }
  }

  /** Duties start now: both nodes publish, and each receives the other's attestations. */
  async function deliverBothWays (a: Recorded, b: Recorded, perDirection: number): Promise<void> {
    const genesis = Date.now() + 500
    await Promise.all([a.client.setGenesis(genesis), b.client.setGenesis(genesis)])
    await waitFor(() => deliveries(a, b).length >= perDirection && deliveries(b, a).length >= perDirection, 20_000,
      `${perDirection} attestations each way between ${a.node.name} and ${b.node.name}`, 100)
  }

  it('runs each node and engine in its own container, only on the run network, with the node name as alias', async () => {
    const run = await startRun(['A', 'C'], ['udp', 'toxiproxy'])
    const rt = run.runtime
    const containers = await docker.listContainers({ filters: { label: [`meshflap.run=${rt.runId}`] } })
    expect(containers.map(c => c.Labels['meshflap.role']).sort()).to.deep.equal(['node', 'node', 'toxiproxy', 'udp-proxy'])
    const network = await docker.getNetwork(`meshflap-${rt.runId}`).inspect() as { Internal: boolean, Labels: Record<string, string> }
    expect(network.Internal, 'the run network has no way out').to.equal(true)
    expect(network.Labels['meshflap.run']).to.equal(rt.runId)
    for (const c of containers) {
      const info = await docker.getContainer(c.Id).inspect()
      expect(Object.keys(info.NetworkSettings.Networks), `${c.Names[0]} networks`).to.deep.equal([`meshflap-${rt.runId}`])
      expect(info.Config.Labels['meshflap.owner']).to.match(new RegExp(`/${process.pid}/`))
      const nodeName = c.Labels['meshflap.node']
      if (nodeName !== undefined) {
        expect(info.NetworkSettings.Networks[`meshflap-${rt.runId}`]?.Aliases).to.include(nodeName)
        expect(run.nodes.get(nodeName)?.node.controlUrl).to.equal(`http://${info.NetworkSettings.Networks[`meshflap-${rt.runId}`]?.IPAddress}:9100`)
      }
    }
    for (const r of run.nodes.values()) {
      expect(r.node.listen, `${r.node.name} listen`).to.have.length(1)
      expect(r.node.listen[0]).to.match(/^\/ip4\/(\d+\.){3}\d+\/(udp|tcp)\/\d+/)
      expect(r.node.listen[0]).to.not.match(/\/ip4\/(0\.0\.0\.0|127\.)/)
    }
  })

  for (const transport of ['quic', 'tcp'] as const) {
    const { names: pair, engine: engineName } = PAIRS[transport]
    it(`${transport}: both legs through the ${engineName} container, attestations delivered both ways`, async () => {
      const { a, b, engine } = await meshedPair(transport)

      // every leg runs through the proxy container: the listener sees the engine's IP as the remote
      for (const [dialer, listener] of [[a, b], [b, a]] as const) {
        const inbound = (await listener.client.status()).legs.filter(l => l.direction === 'inbound' && l.peer === dialer.node.peerId)
        expect(inbound, `${listener.node.name}'s inbound legs from ${dialer.node.name}`).to.have.length(1)
        expect(inbound[0]?.remote).to.include(`/ip4/${engine.proxyHost}/`)
        expect(inbound[0]?.transport).to.equal(transport)
      }

      await deliverBothWays(a, b, 6)
      for (const [from, to] of [[a, b], [b, a]] as const) {
        const got = deliveries(from, to)
        expect(new Set(got.map(d => d.validator)), `${to.node.name} heard every validator of ${from.node.name} (${pair.join(', ')})`).to.deep.equal(new Set(from.validators))
        expect(got.every(d => d.transport === transport), `legs of ${to.node.name}'s deliveries: ${JSON.stringify(got.map(d => d.transport))}`).to.equal(true)
      }
    })
  }

  it('a fault set through the toxiproxy container\'s API reaches the leg: disabling C-to-D closes C\'s outbound leg', async () => {
    const { a: c, engine: tox } = await meshedPair('tcp')
    const proxy = await tox.client.get('C-to-D')
    const closesBefore = c.events.filter(e => e.type === 'leg_close' && e.direction === 'outbound').length
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream })
    await waitFor(() => c.events.filter(e => e.type === 'leg_close' && e.direction === 'outbound').length > closesBefore, 10_000, 'C reports its outbound leg closed', 100)
  })

  it('stop() ends a node with SIGTERM (exit 0, expected); kill() with SIGKILL (not expected)', async () => {
    const run = await startRun(['A', 'B'], [])
    const a = run.nodes.get('A')!.node
    const b = run.nodes.get('B')!.node
    await a.stop()
    expect(await a.exited).to.deep.equal({ code: 0, signal: null, expected: true })
    await b.kill()
    expect(await b.exited).to.deep.equal({ code: null, signal: 'SIGKILL', expected: false })
  })

  it('a node that exits before it is ready: the start fails with its last lines, which are also in its log', async () => {
    const run = await startRun([], [])
    const bad = { ...nodeConfig('E', 4, [8], 'quic'), gossipPolicy: 'bogus' } as unknown as ReturnType<typeof nodeConfig>
    let failure: Error | undefined
    await run.runtime.startNode({ name: 'E', impl: 'ts', config: bad }).catch((err: unknown) => { failure = err as Error })
    expect(failure?.name).to.equal('ContainerStartError')
    expect(failure?.message).to.match(/did not become ready/)
    expect(failure?.message).to.match(/\| .*gossipPolicy/)
    expect(await readFile(join(run.dir, 'E.log'), 'utf8')).to.match(/gossipPolicy/)
  })

  it('after dispose: every node log is in the run dir, and no container or network of the run is left', async () => {
    const { run, a, b } = await meshedPair('quic')
    await deliverBothWays(a, b, 1)
    const rt = run.runtime
    expect((await leftovers(docker, rt.runId)).containers, 'A, B and the UDP proxy').to.have.length(3)
    await rt.dispose()
    for (const name of ['A', 'B']) {
      const nodeLog = await readFile(join(run.dir, `${name}.log`), 'utf8')
      expect(nodeLog, `${name}.log`).to.match(/"type":"ready"/)
      expect(nodeLog, `${name}.log`).to.match(/"type":"msg_received"/)
      const config = JSON.parse(await readFile(join(run.dir, `${name}.config.json`), 'utf8')) as { control: { host: string, port: number }, exitOnStdinClose: boolean }
      expect(config.control).to.deep.equal({ host: '0.0.0.0', port: 9100 })
    }
    expect(await leftovers(docker, rt.runId)).to.deep.equal({ containers: [], networks: [] })
  })
})
