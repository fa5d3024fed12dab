/**
 * Measures the docker runtime's start-up on this machine (images already built):
 * prepare (engine, sweep, base, network), per-node container start (one at a
 * time, so each number is one container's), engine container starts, dispose.
 *
 *   node_modules/.bin/node ci/docker/bench-start.ts [--nodes 4] [--impl ts|go|...]  (an implementation meshflap builds an image for)
 *
 * Prints one JSON line with the numbers.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { IMPL_NAMES, implementation, isImplName } from '../../harness/impls/index.ts'
import { DockerRuntime } from '../../harness/runtime/docker-runtime.ts'
import { nodeConfig } from '../../tests/docker/support/docker-pair.ts'

const args = process.argv.slice(2)
const arg = (name: string, fallback: string): string => { const i = args.indexOf(name); return i >= 0 ? (args[i + 1] ?? fallback) : fallback }
const count = Number(arg('--nodes', '4'))
const implArg = arg('--impl', 'ts')
if (!isImplName(implArg)) throw new Error(`--impl: one of ${IMPL_NAMES.join(', ')}, got "${implArg}"`)
const impl = implArg
const spec = implementation(impl)
if (spec.image === undefined) throw new Error(`--impl ${impl}: meshflap builds no image for it (its nodes name their own)`)
const dir = await mkdtemp(join(tmpdir(), 'meshflap-bench-'))
const runtime = new DockerRuntime({ dir })
const ms = (t0: number): number => Math.round(performance.now() - t0)
try {
  let t0 = performance.now()
  await runtime.prepare({ images: [spec.image.name, 'udp-proxy', 'toxiproxy'] })
  const prepareMs = ms(t0)
  const nodeStartMs: number[] = []
  for (let i = 0; i < count; i++) {
    t0 = performance.now()
    await runtime.startNode({ name: `N${i}`, impl, config: { ...nodeConfig(`N${i}`, i, [i], 'quic'), gossipPolicy: spec.defaultPolicy } })
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
