// suite: serial — uses the one Docker engine (containers, images and networks found by label)
/**
 * Issue 12: the Rust peer's image (containers/rust-peer/Dockerfile, the setup-built
 * binary on the base image) on the docker runtime, as impl `rust` and once as an
 * `external` image, next to the TS node: both legs of each pair through their proxy containers, attestations
 * delivered both ways over QUIC and over TCP, SIGTERM stops it with exit 0.
 */
import { expect } from 'chai'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { DockerRuntime } from '../../harness/runtime/docker-runtime.ts'
import { ensureImage, imageSpec } from '../../harness/runtime/docker-images.ts'
import type { FaultEngine } from '../../harness/faults/engine.ts'
import { dockerOrSkip } from '../docker/support/docker-gate.ts'
import { deliveries, dialThroughProxies, meshed, nodeConfig, record } from '../docker/support/docker-pair.ts'
import { waitFor } from '../support/wait-for.ts'
import type { Recorded, Transport } from '../docker/support/docker-pair.ts'

describe('docker runtime: the Rust peer image next to the TS node', function () {
  this.timeout(120_000)
  let docker: Docker
  let dir: string
  let runtime: DockerRuntime | undefined
  const engines = new Map<string, FaultEngine>()
  const nodes = new Map<string, Recorded>()
  const node = (name: string): Recorded => nodes.get(name)!

  before(async function () {
    this.timeout(15 * 60_000)
    docker = await dockerOrSkip(this)
    dir = await mkdtemp(join(tmpdir(), 'meshflap-docker-rust-'))
    runtime = new DockerRuntime({ dir, log: line => { process.stdout.write(`      [docker] ${line}\n`) } })
    const prepared = await runtime.prepare({ images: ['ts-node', 'rust-peer', 'udp-proxy', 'toxiproxy'] })
    const image = await ensureImage(docker, imageSpec('rust-peer'), prepared.base)
    process.stdout.write(`      [docker] ${image.ref} ${image.cached ? 'cached' : 'built'} ${image.ms} ms, context ${(image.contextBytes / 1e6).toFixed(1)} MB\n`)
    // B as impl rust (the image the runtime builds from the impl list), C as an external image: the same image
    const rust = (name: string, index: number, validators: number[], transport: Transport): ReturnType<DockerRuntime['startNode']> =>
      runtime!.startNode({ name, ...(name === 'B' ? { impl: 'rust' } : { impl: 'external', image: image.ref }), config: { ...nodeConfig(name, index, validators, transport), gossipPolicy: 'stock' } })
    const ts = (name: string, index: number, validators: number[], transport: Transport): ReturnType<DockerRuntime['startNode']> =>
      runtime!.startNode({ name, impl: 'ts', config: nodeConfig(name, index, validators, transport) })
    const [a, b, c, d, udp, tox] = await Promise.all([
      ts('A', 0, [0, 1], 'quic'), rust('B', 1, [2, 3], 'quic'), rust('C', 2, [4, 5], 'tcp'), ts('D', 3, [6, 7], 'tcp'),
      runtime.startFaultEngine('udp', { seed: 1 }), runtime.startFaultEngine('toxiproxy')
    ])
    for (const [n, v] of [[a, [0, 1]], [b, [2, 3]], [c, [4, 5]], [d, [6, 7]]] as const) nodes.set(n.name, record(n, [...v]))
    engines.set('quic', udp)
    engines.set('tcp', tox)
  })

  after(async () => {
    await runtime?.dispose()
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  for (const [transport, pair] of [['quic', ['A', 'B']], ['tcp', ['C', 'D']]] as const) {
    it(`${transport}: the Rust peer's legs go through the proxy container, attestations delivered both ways`, async () => {
      const [a, b] = [node(pair[0]), node(pair[1])]
      const engine = engines.get(transport)!
      const rust = pair[0] === 'A' ? b : a
      expect(rust.events[0]).to.include({ type: 'ready', impl: 'rust', gossipPolicy: 'stock' })
      expect(rust.node.listen[0], 'listen address on the run network').to.match(/^\/ip4\/(\d+\.){3}\d+\/(udp|tcp)\/\d+/).and.not.match(/\/ip4\/(0\.0\.0\.0|127\.)/)
      await dialThroughProxies(engine, a, b, transport)
      await waitFor(async () => meshed(await a.client.status()) && meshed(await b.client.status()), 20_000, `${pair.join(' and ')} are meshed`)
      for (const [dialer, listener] of [[a, b], [b, a]] as const) {
        const inbound = (await listener.client.status()).legs.filter(l => l.direction === 'inbound' && l.peer === dialer.node.peerId)
        expect(inbound, `${listener.node.name}'s inbound legs from ${dialer.node.name}`).to.have.length(1)
        expect(inbound[0]?.remote).to.include(`/ip4/${engine.proxyHost}/`)
      }
      const genesis = Date.now() + 500
      await Promise.all([a.client.setGenesis(genesis), b.client.setGenesis(genesis)])
      await waitFor(() => deliveries(a, b).length >= 6 && deliveries(b, a).length >= 6, 20_000, `6 attestations each way between ${pair.join(' and ')}`)
      for (const [from, to] of [[a, b], [b, a]] as const) {
        const got = deliveries(from, to)
        expect(new Set(got.map(x => x.validator)), `${to.node.name} heard every validator of ${from.node.name}`).to.deep.equal(new Set(from.validators))
        expect(got.every(x => x.transport === transport), `legs of ${to.node.name}'s deliveries`).to.equal(true)
      }
    })
  }

  it('stop() ends the Rust peer container with SIGTERM: exit 0', async () => {
    const b = node('B').node
    await b.stop()
    expect(await b.exited).to.deep.equal({ code: 0, signal: null, expected: true })
  })
})
