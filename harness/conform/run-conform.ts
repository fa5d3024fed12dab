/**
 * `meshflap conform`: the compliance suite (containers/CONTRACT.md section 8) against a client's
 * build, given as a command (process runtime) or an image (docker runtime), no checkout needed.
 * Every node of the devnets it starts is that build (impl `external`), so each check reads the
 * build's own reports. Everything it starts is stopped before it returns.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { Devnet } from '../devnet/devnet.ts'
import type { GossipPolicy, WireProfile } from '../contract/node-config.ts'
import type { Scenario } from '../scenario/types.ts'
import { pairScenario } from './pair-scenario.ts'
import { notRun } from './check-result.ts'
import type { CheckResult } from './check-result.ts'
import { configChecks } from './config-checks.ts'
import { devnetChecks } from './devnet-checks.ts'
import { legLossChecks } from './leg-loss-checks.ts'
import { wireChecks } from './wire-checks.ts'

export interface ConformTarget {
  command?: string[]
  image?: string
  /** the gossip policy the build reports (default stock: one that has only its own) */
  policy?: GossipPolicy
}

export interface ConformOptions {
  /** configs, logs and histories of the devnets */
  dir: string
  signal?: AbortSignal
  /** progress a person should see */
  say?: (line: string) => void
}

export function conformScenario (target: ConformTarget, wire: WireProfile): Scenario {
  const s = pairScenario('quic', { policy: target.policy ?? 'stock', name: `conform-${wire}`, wire })
  s.nodes = s.nodes.map(n => ({ ...n, impl: 'external' as const, ...(target.command != null ? { command: target.command } : {}), ...(target.image != null ? { image: target.image } : {}) }))
  return s
}

export async function runConform (target: ConformTarget, options: ConformOptions): Promise<CheckResult[]> {
  const say = options.say ?? (() => {})
  const runtime = target.image != null ? 'docker' : 'process'
  const out: CheckResult[] = []
  await mkdir(options.dir, { recursive: true })
  if (target.command != null) {
    say('config rejection ...')
    out.push(...await configChecks(target.command, options.dir))
  } else {
    out.push(notRun('config', 'config rejection', 'checked with --command only (an image is started by the docker runtime)'))
  }
  for (const wire of ['lean', 'zig-libp2p'] as const) {
    say(`two-node QUIC devnet, wire profile ${wire} ...`)
    let devnet: Devnet
    try {
      devnet = await Devnet.start(conformScenario(target, wire), { dir: join(options.dir, `devnet-${wire}`), runtime, signal: options.signal })
    } catch (err) {
      out.push({ id: `devnet.${wire}`, title: `a two-node devnet starts (identity, both legs through their proxies, gossip streams), wire ${wire}`, status: 'fail', evidence: (err as Error).message.split('\n').slice(0, 3).join(' | ') })
      continue
    }
    try {
      if (wire === 'lean') {
        out.push(...await devnetChecks(devnet, { policy: target.policy ?? 'stock', transport: 'quic' }))
        out.push(await wireChecks(devnet, ['A', 'B']))
        say('leg loss: blackhole, idle timeout, redial ...')
        out.push(...await legLossChecks(devnet))
      } else {
        await new Promise(resolve => setTimeout(resolve, devnet.scenario.slotMs * 2))
        out.push(await wireChecks(devnet, ['A', 'B']))
      }
    } finally {
      await devnet.stop()
    }
  }
  return out
}
