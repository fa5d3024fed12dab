// suite: serial — uses the one Docker engine (containers, images and networks found by label)
/**
 * `meshflap run --runtime docker` killed with SIGKILL mid-run (no handler runs, nothing is disposed):
 * every node and both fault engines exit and are removed by the engine within seconds, because the
 * harness's attach connections to their stdin died with it (OpenStdin + StdinOnce, exitOnStdinClose,
 * AutoRemove). The run's network is what remains, and the next start sweeps it.
 * Before: 5 containers and 1 network kept running until `meshflap clean` or the next start.
 */
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { removeRun } from '../../harness/runtime/docker-clean.ts'
import { DockerRuntime } from '../../harness/runtime/docker-runtime.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'
import { dockerOrSkip, leftovers, waitForLeftovers } from './support/docker-gate.ts'

const SCENARIO = `
name: sigkill-docker
description: three nodes over mixed legs (both fault engines), long enough to be killed mid-run
seed: 12
validators: 6
nodes:
  - { name: A }
  - { name: B, impl: go, gossipPolicy: stock }
  - { name: C, aggregator: true }
transport: mixed
slotMs: 1000
slots: 60
genesisDelayMs: 500
expectations: [streams-survive]
`

async function runIdOf (out: string, timeoutMs: number, stderr: () => string): Promise<string> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    for (const d of await readdir(out).catch(() => [])) {
      const text = await readFile(join(out, d, 'history.ndjson'), 'utf8').catch(() => '')
      const start = text.split('\n').find(l => l.includes('"kind":"run_start"'))
      if (start !== undefined) return (JSON.parse(start) as { runId: string }).runId
    }
    await new Promise(resolve => setTimeout(resolve, 250))
  }
  throw new Error(`the run did not start within ${timeoutMs} ms:\n${stderr()}`)
}

describe('docker runtime: a SIGKILLed harness leaves nothing running', function () {
  this.timeout(300_000)
  let docker: Docker
  let dir: string
  let runId: string | undefined

  before(async function () {
    this.timeout(15 * 60_000)
    docker = await dockerOrSkip(this)
    dir = await mkdtemp(join(tmpdir(), 'meshflap-sigkill-'))
    // images built first, so the run below only starts containers
    const warm = new DockerRuntime({ dir: join(dir, 'warm') })
    await warm.prepare({ images: ['ts-node', 'go-peer', 'udp-proxy', 'toxiproxy'] })
    await warm.dispose()
  })

  after(async () => {
    if (docker !== undefined && runId !== undefined) await removeRun(docker, runId)
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it('meshflap run --runtime docker, SIGKILL after genesis: 0 containers within 20 s, the network swept at the next start', async () => {
    await writeFile(join(dir, 'sigkill.yaml'), SCENARIO)
    const out = join(dir, 'runs')
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'harness', 'cli', 'bin.js'), 'run', join(dir, 'sigkill.yaml'), '--runtime', 'docker', '--out', out], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    const exited = new Promise<string | null>(resolve => { child.on('exit', (_code, signal) => { resolve(signal) }) })
    runId = await runIdOf(out, 180_000, () => stderr)

    const running = await leftovers(docker, runId)
    expect(running.containers, 'nodes A, B, C, toxiproxy, udp-proxy').to.have.length(5)
    expect(running.networks).to.have.length(1)

    child.kill('SIGKILL')
    expect(await exited).to.equal('SIGKILL')
    const t0 = Date.now()
    const after = await waitForLeftovers(docker, runId, l => l.containers.length === 0, 20_000)
    expect(after.containers, `still there ${Date.now() - t0} ms after the SIGKILL`).to.deep.equal([])
    expect(after.networks, 'the network has no lifeline: it waits for the next start').to.have.length(1)
    process.stdout.write(`      [docker] 5 containers gone ${Date.now() - t0} ms after the SIGKILL\n`)

    const next = new DockerRuntime({ dir: join(dir, 'next') })
    try {
      const { swept } = await next.prepare()
      expect(swept.networks.filter(n => n.includes(runId!))).to.have.length(1)
    } finally {
      await next.dispose()
    }
    expect(await leftovers(docker, runId)).to.deep.equal({ containers: [], networks: [] })
  })
})
