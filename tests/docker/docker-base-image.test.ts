// suite: serial — uses the one Docker engine (containers, images and networks found by label)
/**
 * Which base the images build FROM: a configured base the engine has is used as
 * is (no pull); one it lacks and cannot pull within the time limit falls back to
 * the local Debian base, with one line saying why; the images build FROM either.
 */
import { expect } from 'chai'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { imageId, LOCAL_BASE_IMAGE, resolveBaseImage } from '../../harness/runtime/docker-base-image.ts'
import { ensureImage } from '../../harness/runtime/docker-images.ts'
import { dockerSettingsFromEnv } from '../../harness/runtime/docker-settings.ts'
import { dockerOrSkip } from './support/docker-gate.ts'

describe('docker base image choice', function () {
  this.timeout(120_000)
  let docker: Docker
  let localBase: string
  const aliasRepo = 'meshflap-test/configured-base'
  const alias = `${aliasRepo}:${process.pid}`
  const testImage = `base-choice-test-${process.pid}`

  before(async function () {
    // the local base is built here if no base is on the engine yet (debootstrap, root)
    this.timeout(15 * 60_000)
    docker = await dockerOrSkip(this)
    const base = await resolveBaseImage(docker, { ...dockerSettingsFromEnv(), baseImage: LOCAL_BASE_IMAGE })
    localBase = base.ref
    // stands in for a registry image the engine already has (node:24-bookworm-slim, ...)
    await docker.getImage(localBase).tag({ repo: aliasRepo, tag: String(process.pid) })
  })

  after(async () => {
    if (docker === undefined) return
    for (const image of await docker.listImages({ filters: { label: [`meshflap.image=${testImage}`] } })) await docker.getImage(image.Id).remove({ force: true }).catch(() => {})
    await docker.getImage(alias).remove().catch(() => {})
  })

  it('a configured base on the engine is used as is, and an image builds FROM it', async () => {
    const lines: string[] = []
    const base = await resolveBaseImage(docker, { ...dockerSettingsFromEnv(), baseImage: alias, pullTimeoutMs: 5000 }, { log: l => { lines.push(l) } })
    expect(base).to.include({ ref: alias, source: 'configured' })
    expect(lines, 'no pull, no fallback').to.deep.equal([])
    const root = await mkdtemp(join(tmpdir(), 'meshflap-base-'))
    try {
      await writeFile(join(root, 'Dockerfile'), 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY marker /marker\n')
      await writeFile(join(root, 'marker'), 'x\n')
      const built = await ensureImage(docker, { name: testImage, dockerfile: 'Dockerfile', entries: async r => [{ path: 'marker', source: join(r, 'marker'), mode: 0o644 }] }, base, { root })
      expect(await imageId(docker, built.ref)).to.equal(built.id)
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })

  it('a configured base the engine lacks and cannot pull: the local Debian base, with one line saying why', async () => {
    const lines: string[] = []
    // a registry on a closed loopback port: the pull fails at once, and no traffic leaves the machine
    const absent = `127.0.0.1:1/meshflap-test/absent-base:${process.pid}`
    const t0 = performance.now()
    const base = await resolveBaseImage(docker, { ...dockerSettingsFromEnv(), baseImage: absent, pullTimeoutMs: 3000 }, { log: l => { lines.push(l) } })
    expect(performance.now() - t0, 'the pull is given up within its time limit').to.be.below(10_000)
    expect(base).to.include({ ref: LOCAL_BASE_IMAGE, source: 'local-base' })
    expect(lines).to.have.length(1)
    expect(lines[0]).to.match(new RegExp(`^base image ${LOCAL_BASE_IMAGE}: ${absent.replace(/[.:/]/g, '\\$&')} is not on the engine and cannot be pulled \\(.+\\)$`))
  })
})
