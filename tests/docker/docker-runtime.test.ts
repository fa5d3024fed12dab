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
import { dockerOrSkip, leftovers, waitForLeftovers } from './support/docker-gate.ts'
import { deliveries, dialThroughProxies, meshed, nodeConfig, record, waitFor } from './support/docker-pair.ts'
import type { Recorded } from './support/docker-pair.ts'

describe('docker runtime: nodes, toxiproxy and the UDP proxy in their own containers', function () {
  this.timeout(120_000)
  let docker: Docker
  let dir: string
  let runtime: DockerRuntime | undefined
  let udp: FaultEngine
  let tox: FaultEngine
  const nodes = new Map<string, Recorded>()
  const node = (name: string): Recorded => nodes.get(name) as Recorded

  before(async function () {
    // a cold engine builds the local base image (debootstrap) and the images first
    this.timeout(15 * 60_000)
    docker = await dockerOrSkip(this)
    dir = await mkdtemp(join(tmpdir(), 'meshflap-docker-'))
    runtime = new DockerRuntime({ dir, log: line => { process.stdout.write(`      [docker] ${line}\n`) } })
    const t0 = performance.now()
    const prepared = await runtime.prepare({ images: ['ts-node', 'udp-proxy', 'toxiproxy'] })
    process.stdout.write(`      [docker] prepare ${Math.round(performance.now() - t0)} ms (base ${prepared.base.ref}: ${prepared.base.source}; ${prepared.images.map(i => `${i.name} ${i.cached ? 'cached' : 'built'} ${i.ms} ms`).join(', ')})\n`)
    const specs: Array<[string, number, number[], 'quic' | 'tcp']> = [['A', 0, [0, 1], 'quic'], ['B', 1, [2, 3], 'quic'], ['C', 2, [4, 5], 'tcp'], ['D', 3, [6, 7], 'tcp']]
    const started = await Promise.all([
      ...specs.map(async ([name, index, validators, transport]) => record(await runtime!.startNode({ name, impl: 'ts', config: nodeConfig(name, index, validators, transport) }), validators)),
      runtime.startFaultEngine('udp', { seed: 1 }),
      runtime.startFaultEngine('toxiproxy')
    ])
    for (const r of started.slice(0, 4) as Recorded[]) nodes.set(r.node.name, r)
    udp = started[4] as FaultEngine
    tox = started[5] as FaultEngine
    for (const r of nodes.values()) process.stdout.write(`      [docker] node ${r.node.name} container start ${(r.node as DockerNode).startMs} ms\n`)
  })

  after(async () => {
    await runtime?.dispose()
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it('runs each node and engine in its own container, only on the run network, with the node name as alias', async () => {
    const rt = runtime as DockerRuntime
    const containers = await docker.listContainers({ filters: { label: [`meshflap.run=${rt.runId}`] } })
    expect(containers.map(c => c.Labels['meshflap.role']).sort()).to.deep.equal(['node', 'node', 'node', 'node', 'toxiproxy', 'udp-proxy'])
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
        expect(node(nodeName).node.controlUrl).to.equal(`http://${info.NetworkSettings.Networks[`meshflap-${rt.runId}`]?.IPAddress}:9100`)
      }
    }
    for (const r of nodes.values()) {
      expect(r.node.listen, `${r.node.name} listen`).to.have.length(1)
      expect(r.node.listen[0]).to.match(/^\/ip4\/(\d+\.){3}\d+\/(udp|tcp)\/\d+/)
      expect(r.node.listen[0]).to.not.match(/\/ip4\/(0\.0\.0\.0|127\.)/)
    }
  })

  for (const [transport, pair, engineName] of [['quic', ['A', 'B'], 'udp'], ['tcp', ['C', 'D'], 'toxiproxy']] as const) {
    it(`${transport}: both legs through the ${engineName} container, attestations delivered both ways`, async () => {
      const [a, b] = [node(pair[0]), node(pair[1])]
      const engine = engineName === 'udp' ? udp : tox
      await dialThroughProxies(engine, a, b, transport)
      await waitFor(async () => meshed(await a.client.status()) && meshed(await b.client.status()), 20_000, `${pair.join(' and ')} are meshed`)

      // every leg runs through the proxy container: the listener sees the engine's IP as the remote
      for (const [dialer, listener] of [[a, b], [b, a]] as const) {
        const inbound = (await listener.client.status()).legs.filter(l => l.direction === 'inbound' && l.peer === dialer.node.peerId)
        expect(inbound, `${listener.node.name}'s inbound legs from ${dialer.node.name}`).to.have.length(1)
        expect(inbound[0]?.remote).to.include(`/ip4/${engine.proxyHost}/`)
        expect(inbound[0]?.transport).to.equal(transport)
      }

      const genesis = Date.now() + 500
      await Promise.all([a.client.setGenesis(genesis), b.client.setGenesis(genesis)])
      await waitFor(() => deliveries(a, b).length >= 6 && deliveries(b, a).length >= 6, 20_000, `6 attestations each way between ${pair.join(' and ')}`)
      for (const [from, to] of [[a, b], [b, a]] as const) {
        const got = deliveries(from, to)
        expect(new Set(got.map(d => d.validator)), `${to.node.name} heard every validator of ${from.node.name}`).to.deep.equal(new Set(from.validators))
        expect(got.every(d => d.transport === transport), `legs of ${to.node.name}'s deliveries: ${JSON.stringify(got.map(d => d.transport))}`).to.equal(true)
      }
    })
  }

  it('a fault set through the toxiproxy container\'s API reaches the leg: disabling C-to-D closes C\'s outbound leg', async () => {
    const c = node('C')
    const proxy = await tox.client.get('C-to-D')
    const closesBefore = c.events.filter(e => e.type === 'leg_close' && e.direction === 'outbound').length
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream })
    await waitFor(() => c.events.filter(e => e.type === 'leg_close' && e.direction === 'outbound').length > closesBefore, 10_000, 'C reports its outbound leg closed')
  })

  it('stop() ends a node with SIGTERM (exit 0, expected); kill() with SIGKILL (not expected)', async () => {
    const a = node('A').node
    const b = node('B').node
    await a.stop()
    expect(await a.exited).to.deep.equal({ code: 0, signal: null, expected: true })
    await b.kill()
    expect(await b.exited).to.deep.equal({ code: null, signal: 'SIGKILL', expected: false })
  })

  it('a node that exits before it is ready: the start fails with its last lines, which are also in its log', async () => {
    const bad = { ...nodeConfig('E', 4, [8], 'quic'), gossipPolicy: 'bogus' } as unknown as ReturnType<typeof nodeConfig>
    let failure: Error | undefined
    await runtime!.startNode({ name: 'E', impl: 'ts', config: bad }).catch((err: unknown) => { failure = err as Error })
    expect(failure?.name).to.equal('ContainerStartError')
    expect(failure?.message).to.match(/did not become ready/)
    expect(failure?.message).to.match(/\| .*gossipPolicy/)
    expect(await readFile(join(dir, 'E.log'), 'utf8')).to.match(/gossipPolicy/)
  })

  it('after dispose: every node log is in the run dir, and no container or network of the run is left', async () => {
    const rt = runtime as DockerRuntime
    // A and B (and E, which failed to start) exited above: AutoRemove takes them; C, D and both engines remain until dispose
    const remaining = await waitForLeftovers(docker, rt.runId, l => l.containers.length <= 4, 10_000)
    expect(remaining.containers.map(n => n.replace(/^.*-(node|toxiproxy|udp-proxy)-/, '$1-')).sort()).to.deep.equal(['node-C', 'node-D', 'toxiproxy-1', 'udp-proxy-1'])
    await rt.dispose()
    for (const name of ['A', 'B', 'C', 'D']) {
      const log = await readFile(join(dir, `${name}.log`), 'utf8')
      expect(log, `${name}.log`).to.match(/"type":"ready"/)
      expect(log, `${name}.log`).to.match(/"type":"msg_received"/)
      const config = JSON.parse(await readFile(join(dir, `${name}.config.json`), 'utf8')) as { control: { host: string, port: number }, exitOnStdinClose: boolean }
      expect(config.control).to.deep.equal({ host: '0.0.0.0', port: 9100 })
    }
    expect(await leftovers(docker, rt.runId)).to.deep.equal({ containers: [], networks: [] })
  })
})
