// suite: serial — uses the one Docker engine (containers, images and networks found by label)
/**
 * `meshflap conform --image <ref>`: the same compliance suite against a client's build given as a
 * Docker image (docker runtime, impl `external`), here the Go peer's image as a team would hand it
 * over. Config rejection needs the binary and is "not run"; every devnet check passes, and nothing the
 * card started is left on the engine.
 */
import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type Docker from 'dockerode'
import { DockerRuntime } from '../../harness/runtime/docker-runtime.ts'
import { ensureImage, imageSpec } from '../../harness/runtime/docker-images.ts'
import { runFilter } from '../../harness/runtime/docker-labels.ts'
import { dockerOrSkip } from '../docker/support/docker-gate.ts'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..', '..')

describe('meshflap conform --image (docker runtime)', function () {
  this.timeout(300_000)
  let docker: Docker
  let image: string

  before(async function () {
    this.timeout(15 * 60_000)
    docker = await dockerOrSkip(this)
    const dir = await mkdtemp(join(tmpdir(), 'meshflap-conform-image-prep-'))
    const runtime = new DockerRuntime({ dir, log: line => { process.stdout.write(`      [docker] ${line}\n`) } })
    try {
      const prepared = await runtime.prepare({ images: ['udp-proxy', 'toxiproxy'] })
      image = (await ensureImage(docker, imageSpec('go-peer'), prepared.base)).ref
    } finally {
      await runtime.dispose()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('the Go peer image: a green card with config rejection "not run", JUnit, and nothing left on the engine', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshflap-conform-image-'))
    const junit = join(dir, 'card.xml')
    const { stdout } = await run(process.execPath, [join(ROOT, 'harness', 'cli', 'bin.js'), 'conform', '--image', image, '--junit', junit, '--dir', dir], { cwd: ROOT })
    expect(stdout, stdout).to.match(/^CONFORMS: \d+ pass, 0 fail, 0 not reported, 1 not run$/m)
    expect(stdout).to.contain(`image ${image}`)
    expect(stdout).to.match(/not run +config rejection\n +checked with --command only/)
    for (const title of ['dials only to the given addresses', 'idle timeout applied', 'redials its lost leg', 'zig-libp2p wire profile']) expect(stdout).to.contain(title)
    expect(stdout).to.match(/measured A \d+ ms, B \d+ ms \(configured 2000 ms\)/)
    expect(await readFile(junit, 'utf8')).to.contain('failures="0"')
    const left = await docker.listContainers({ all: true, filters: runFilter() })
    expect(left.map(c => c.Names[0]), 'containers left by conform').to.deep.equal([])
  })
})
