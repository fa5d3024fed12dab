// suite: serial — uses the one Docker engine (containers, images and networks found by label)
/**
 * Nothing of a run outlives it: a harness interrupted with SIGINT removes its
 * containers and network before it exits; a harness killed outright (SIGKILL)
 * loses its attach connections, so the engine closes its containers' stdin, they
 * exit and are auto-removed; its network is left, and the next docker runtime's
 * start sweeps it, while a run whose harness still lives is left alone.
 */
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type Docker from 'dockerode'
import { cleanAll, removeRun } from '../../harness/runtime/docker-clean.ts'
import { DockerRuntime } from '../../harness/runtime/docker-runtime.ts'
import { dockerOrSkip, leftovers, waitForLeftovers } from './support/docker-gate.ts'

const CHILD = fileURLToPath(new URL('./fixtures/harness-child.ts', import.meta.url))

interface Child {
  process: ChildProcess
  runId: string
  exited: Promise<{ code: number | null, signal: string | null }>
  stderr: string[]
}

async function startHarness (dir: string): Promise<Child> {
  const child = spawn(process.execPath, [CHILD, dir], { stdio: ['ignore', 'pipe', 'pipe'] })
  const stderr: string[] = []
  createInterface({ input: child.stderr }).on('line', l => { stderr.push(l) })
  const exited = new Promise<{ code: number | null, signal: string | null }>(resolve => { child.once('exit', (code, signal) => { resolve({ code, signal }) }) })
  const runId = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`harness child did not start within 90 s:\n${stderr.join('\n')}`)) }, 90_000)
    createInterface({ input: child.stdout }).on('line', line => {
      const msg = JSON.parse(line) as { type: string, runId: string }
      if (msg.type === 'started') { clearTimeout(timer); resolve(msg.runId) }
    })
    void exited.then(info => { clearTimeout(timer); reject(new Error(`harness child exited (${JSON.stringify(info)}) before it started:\n${stderr.join('\n')}`)) })
  })
  return { process: child, runId, exited, stderr }
}

describe('docker runtime clean-up: SIGINT, crashed harness, meshflap clean', function () {
  this.timeout(180_000)
  let docker: Docker
  let dir: string
  const children: Child[] = []

  before(async function () {
    this.timeout(15 * 60_000)
    docker = await dockerOrSkip(this)
    dir = await mkdtemp(join(tmpdir(), 'meshflap-docker-clean-'))
    // images and base ready first, so the children only start containers
    const warm = new DockerRuntime({ dir: join(dir, 'warm') })
    await warm.prepare({ images: ['ts-node', 'udp-proxy'] })
    await warm.dispose()
  })

  after(async () => {
    for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL')
    // a failed test may leave a child's run: remove it whatever its state
    if (docker !== undefined) for (const c of children) await removeRun(docker, c.runId)
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it('SIGINT mid-run: the harness removes its containers and network, then exits 130', async () => {
    const child = await startHarness(join(dir, 'sigint'))
    children.push(child)
    const before = await leftovers(docker, child.runId)
    expect(before.containers, 'node + udp proxy running').to.have.length(2)
    expect(before.networks).to.have.length(1)
    child.process.kill('SIGINT')
    expect(await child.exited, child.stderr.join('\n')).to.deep.equal({ code: 130, signal: null })
    expect(await leftovers(docker, child.runId)).to.deep.equal({ containers: [], networks: [] })
  })

  it('a harness killed with SIGKILL: the next runtime sweeps its run, and leaves a live harness\'s run alone', async () => {
    const [live, crashed] = await Promise.all([startHarness(join(dir, 'live')), startHarness(join(dir, 'crashed'))])
    children.push(live, crashed)
    crashed.process.kill('SIGKILL')
    await crashed.exited
    // the engine closed the stdin the dead harness held: the node and the UDP proxy exit, AutoRemove removes them
    const after = await waitForLeftovers(docker, crashed.runId, l => l.containers.length === 0, 20_000)
    expect(after.containers, 'containers of a SIGKILLed harness').to.deep.equal([])
    expect(after.networks, 'its network waits for the next start').to.have.length(1)
    expect((await leftovers(docker, live.runId)).containers, 'the live run is untouched').to.have.length(2)

    const next = new DockerRuntime({ dir: join(dir, 'next') })
    try {
      const { swept } = await next.prepare()
      expect(swept.networks.filter(n => n.includes(crashed.runId))).to.have.length(1)
      expect(await leftovers(docker, crashed.runId)).to.deep.equal({ containers: [], networks: [] })
      expect((await leftovers(docker, live.runId)).containers, 'the live run is kept').to.have.length(2)
      expect(swept.kept.map(k => k.runId)).to.include(live.runId)
    } finally {
      await next.dispose()
    }

    const report = await cleanAll(docker)
    expect(report.kept.map(k => k.runId), 'meshflap clean keeps live runs').to.include(live.runId)
    expect((await leftovers(docker, live.runId)).containers).to.have.length(2)
    live.process.kill('SIGINT')
    expect((await live.exited).code).to.equal(130)
    expect(await leftovers(docker, live.runId)).to.deep.equal({ containers: [], networks: [] })
  })
})
