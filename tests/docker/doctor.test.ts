// suite: serial — uses the one Docker engine (containers, images and networks found by label)
/**
 * `meshflap doctor`: each missing part is named with the one command that fixes it,
 * and the docker checks say whether the docker runtime can run.
 */
import { expect } from 'chai'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { renderDoctor, runDoctor } from '../../harness/runtime/doctor.ts'
import type { DoctorReport } from '../../harness/runtime/doctor.ts'
import { dockerSettingsFromEnv } from '../../harness/runtime/docker-settings.ts'
import { dockerOrSkip } from './support/docker-gate.ts'
import { homedir } from 'node:os'
import { toolPaths } from '../../harness/util/paths.ts'

const check = (report: DoctorReport, name: string): DoctorReport['checks'][number] | undefined => report.checks.find(c => c.name === name)

describe('meshflap doctor', function () {
  this.timeout(60_000)

  it('without an engine: docker engine missing with its fix, docker checks skipped, the process runtime still ready', async () => {
    const report = await runDoctor({ docker: new Docker({ socketPath: '/nonexistent/docker.sock' }), timeoutMs: 1000 })
    expect(check(report, 'docker engine')).to.include({ status: 'missing', fix: 'sudo ci/docker/ensure-engine.sh', required: false })
    expect(check(report, 'base image')?.status).to.equal('skipped')
    expect(check(report, 'image cache')?.status).to.equal('skipped')
    expect(report).to.include({ ok: true, dockerReady: false })
    const text = renderDoctor(report)
    expect(text).to.match(/✘ docker engine +not reachable at unix:\/\/\/nonexistent\/docker\.sock/)
    expect(text).to.include('fix: sudo ci/docker/ensure-engine.sh')
    expect(text.split('\n').at(-1)).to.equal('ready: process runtime (the docker runtime needs the fixes above)')
  })

  it('an old Node and an unbuilt toxiproxy-server are missing, each with its command (a checkout)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'meshflap-doctor-'))
    await writeFile(join(root, 'tsconfig.json'), '{}') // a checkout: set-up is npm run setup, tools in .tools
    try {
      const report = await runDoctor({ root, nodeVersion: '20.11.1', docker: new Docker({ socketPath: '/nonexistent/docker.sock' }), timeoutMs: 1000 })
      expect(check(report, 'node')).to.include({ status: 'missing', fix: 'npm ci', required: true })
      expect(check(report, 'node')?.detail).to.include('v20.11.1 is too old')
      expect(check(report, 'toxiproxy-server')).to.include({ status: 'missing', fix: 'npm run setup', required: true })
      expect(report.ok).to.equal(false)
      expect(renderDoctor(report).split('\n').at(-1)).to.equal('not ready: run the fixes above')
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })

  it('an installed package: the fixes are npx meshflap setup and a newer Node, the tools in MESHFLAP_CACHE_DIR or the user cache', async () => {
    const base = await mkdtemp(join(tmpdir(), 'meshflap-doctor-'))
    const root = join(base, 'node_modules', 'meshflap')
    await mkdir(root, { recursive: true })
    try {
      const installed = await runDoctor({ root, nodeVersion: '20.11.1', docker: new Docker({ socketPath: '/nonexistent/docker.sock' }), timeoutMs: 1000, tools: toolPaths({ MESHFLAP_CACHE_DIR: join(base, 'cache') }, root) })
      expect(check(installed, 'node')).to.include({ status: 'missing', fix: 'install Node 22.19 or newer', required: true })
      expect(check(installed, 'toxiproxy-server')).to.include({ status: 'missing', fix: 'npx meshflap setup', required: true })
      expect(check(installed, 'toxiproxy-server')?.detail).to.equal(`not built (${join(base, 'cache', 'bin', 'toxiproxy-server')}, MESHFLAP_CACHE_DIR)`)
      const xdg = toolPaths({ XDG_CACHE_HOME: join(base, 'xdg') }, root)
      expect([xdg.dir, xdg.source]).to.deep.equal([join(base, 'xdg', 'meshflap'), 'user cache'])
      expect(toolPaths({}, root).dir).to.equal(join(homedir(), '.cache', 'meshflap'))
    } finally {
      await rm(base, { recursive: true, force: true })
    }
  })

  describe('with an engine', () => {
    let docker: Docker
    before(async function () { docker = await dockerOrSkip(this) })

    it('reports the engine, the base image in use and which images are cached', async () => {
      const report = await runDoctor({ docker })
      expect(check(report, 'docker engine')?.status).to.equal('ok')
      const base = check(report, 'base image')
      const settings = dockerSettingsFromEnv()
      if (base?.status === 'ok') expect(base.detail).to.match(new RegExp(`^(${settings.baseImage.replace(/[.:]/g, '\\$&')}|meshflap/base:bookworm)`))
      else expect(base).to.include({ status: 'warn', fix: 'sudo node_modules/.bin/node ci/docker/build-base.ts' })
      const images = check(report, 'image cache')
      expect(images?.status).to.be.oneOf(['ok', 'warn', 'skipped'])
      if (images?.status === 'warn') expect(images.fix).to.equal('node_modules/.bin/node ci/docker/build-images.ts')
      expect(renderDoctor(report)).to.match(/✔ docker engine +\S+ \(API [0-9.]+\) at unix:\/\//)
    })
  })
})
