/**
 * Measures the docker runtime's start-up on this machine (images already built):
 * prepare (engine, sweep, base, network), per-node container start (one at a
 * time, so each number is one container's), engine container starts, dispose.
 *
 *   node_modules/.bin/node ci/docker/bench-start.ts [--nodes 4] [--impl ts|go]
 *
 * Prints one JSON line with the numbers.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DockerRuntime } from '../../harness/runtime/docker-runtime.ts'
import { nodeConfig } from '../../tests/docker/support/docker-pair.ts'

const args = process.argv.slice(2)
const arg = (name: string, fallback: string): string => { const i = args.indexOf(name); return i >= 0 ? (args[i + 1] ?? fallback) : fallback }
const count = Number(arg('--nodes', '4'))
const impl = arg('--impl', 'ts')
const dir = await mkdtemp(join(tmpdir(), 'meshflap-bench-'))
const runtime = new DockerRuntime({ dir })
const ms = (t0: number): number => Math.round(performance.now() - t0)
try {
  let t0 = performance.now()
  await runtime.prepare({ images: [impl === 'go' ? 'go-peer' : 'ts-node', 'udp-proxy', 'toxiproxy'] })
  const prepareMs = ms(t0)
  const nodeStartMs: number[] = []
  for (let i = 0; i < count; i++) {
    t0 = performance.now()
    // the Go peer runs stock go-libp2p-pubsub only
    await runtime.startNode({ name: `N${i}`, impl, config: { ...nodeConfig(`N${i}`, i, [i], 'quic'), gossipPolicy: impl === 'go' ? 'stock' : 'leg-aware' } })
    nodeStartMs.push(ms(t0))
  }
  t0 = performance.now()
  await runtime.startFaultEngine('udp')
  const udpStartMs = ms(t0)
  t0 = performance.now()
  await runtime.startFaultEngine('toxiproxy')
  const toxiproxyStartMs = ms(t0)
  t0 = performance.now()
  await runtime.dispose()
  const disposeMs = ms(t0)
  process.stdout.write(JSON.stringify({ impl, prepareMs, nodeStartMs, udpStartMs, toxiproxyStartMs, disposeMs }) + '\n')
} finally {
  await runtime.dispose()
  await rm(dir, { recursive: true, force: true })
}
