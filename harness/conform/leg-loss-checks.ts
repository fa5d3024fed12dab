/**
 * Leg loss on a two-node QUIC devnet (containers/CONTRACT.md section 4): a blackholed leg is
 * declared lost by both ends after the configured idle timeout (measured, not assumed), and
 * the dialer redials it once the path is back.
 */
import type { Devnet } from '../devnet/devnet.ts'
import { check, expectThat, notRun } from './check-result.ts'
import type { CheckResult } from './check-result.ts'
import { nodeEvents, until } from './devnet-checks.ts'

export async function legLossChecks (devnet: Devnet): Promise<CheckResult[]> {
  const idleMs = devnet.scenario.quic.maxIdleTimeoutMs
  const a = devnet.node('A').running.peerId
  const b = devnet.node('B').running.peerId
  const legAB = devnet.leg('A>B')
  const statuses = await devnet.statuses()
  const aLeg = statuses.A?.legs.find(l => l.direction === 'outbound' && l.peer === b)
  const bLeg = statuses.B?.legs.find(l => l.direction === 'inbound' && l.peer === a)
  const title = `idle timeout applied: a blackholed leg closes at both ends after maxIdleTimeoutMs ${idleMs} ms`
  if (aLeg == null || bLeg == null) return [notRun('legs.idle-timeout', title, 'A>B is not up at both ends'), notRun('legs.redial', 'redial after the leg is lost', 'A>B is not up at both ends')]
  const from = Date.now()
  await legAB.blackhole('both', { fault: 'conform-idle-timeout' })
  const closedAt = (node: 'A' | 'B', leg: string): number | undefined => nodeEvents(devnet, node, 'leg_close').find(e => e.leg === leg && e.ts >= from)?.ts
  // generous: a node that never applies the timeout shows as a measured "no close within"
  const limit = idleMs * 3 + 5000
  await until(() => closedAt('A', aLeg.id) != null && closedAt('B', bLeg.id) != null, limit, 50)
  const out: CheckResult[] = []
  out.push(await check('legs.idle-timeout', title, () => {
    const measured = (['A', 'B'] as const).map(n => {
      const at = closedAt(n, n === 'A' ? aLeg.id : bLeg.id)
      return { n, ms: at == null ? undefined : at - from }
    })
    const text = measured.map(m => `${m.n} ${m.ms == null ? `no leg_close within ${limit} ms` : `${m.ms} ms`}`).join(', ')
    // the timeout counts from the last packet, up to one keep-alive interval before the blackhole
    const low = idleMs - devnet.scenario.quic.keepAliveIntervalMs - 250
    const high = idleMs * 2 + 1000
    for (const m of measured) expectThat(m.ms != null && m.ms >= low && m.ms <= high, `measured ${text}; want each within ${low}..${high} ms`)
    return `measured ${text} (configured ${idleMs} ms)`
  }))
  // counted from when the heal is sent, not from its return: the heal is several engine calls, and a
  // dialer already redialing is back before the last answer reaches us (a Go peer reopened 140 ms
  // after the heal was sent, before heal() returned, in a loaded CI run). Nothing passes the
  // blackhole, so an outbound leg_open from then on is the redial.
  const healing = Date.now()
  await legAB.heal({ fault: 'conform-idle-timeout' })
  const maxMs = devnet.scenario.redial.maxMs + devnet.scenario.quic.handshakeTimeoutMs + 3000
  const reopened = (): number | undefined => nodeEvents(devnet, 'A', 'leg_open').find(e => e.ts >= healing && e.direction === 'outbound' && e.peer === b)?.ts
  await until(() => reopened() != null, maxMs, 50)
  out.push(await check('legs.redial', 'the dialer redials its lost leg once the path is back', () => {
    const at = reopened()
    expectThat(at != null, `no new outbound leg_open from A to B within ${maxMs} ms of healing (redial.maxMs ${devnet.scenario.redial.maxMs})`)
    return `A>B reopened ${at! - healing} ms after the heal was sent`
  }))
  return out
}
