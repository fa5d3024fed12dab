/**
 * A real run whose fault cannot be applied: A's outbound TCP leg to B is held down, then a `close`
 * of that leg is due while it has no connection and the leg stays gone longer than a close waits
 * for its redial (harness/devnet/close-current-leg.ts). The run records `fault_failed` (not free
 * text in run_end.detail) and its status is unknown, not pass. The library's Devnet.fault records
 * the same entry before it throws. A leg that comes back within the wait is closed as asked.
 */
import { expect } from 'chai'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Devnet, outboundOf, parseScenario, runScenario } from 'meshflap'
import type { FaultFailed } from '../../harness/history/types.ts'
import { readHistory } from '../../harness/report/read-history.ts'

const SCENARIO = `
name: fault-failed
description: a close that is due while its leg is down, so it cannot be applied
seed: 8
validators: 4
nodes: { count: 2 }
transport: tcp
slotMs: 500
slots: 11
genesisDelayMs: 300
redial: { minMs: 100, maxMs: 200 }
faults:
  # down past the close's wait for a redial (1200 + 3000 ms)
  - { slot: 1, action: down, duration: { slots: 9 }, target: { pair: [A, B], outbound-of: A } }
  - { atMs: 1200, action: close, target: { pair: [A, B], outbound-of: A } }
expectations: [streams-survive]
`

describe('runner: a fault that could not be applied', function () {
  this.timeout(90_000)

  it('is a fault_failed history entry with the reason, and the run is unknown, not pass', async () => {
    const r = await runScenario(parseScenario(SCENARIO, 'fault-failed.yaml'), { outDir: await mkdtemp(join(tmpdir(), 'meshflap-faultfailed-')), versions: {} })
    const history = await readHistory(join(r.dir, 'history.ndjson'))
    const failed = history.filter((e): e is FaultFailed => e.kind === 'fault_failed')
    expect(failed.map(f => [f.fault, f.action, f.leg, f.selector, f.where])).to.deep.equal([['faults[1]', 'close', 'A>B', 'outbound-of: A (A,B)', 'fault-failed.yaml:15']])
    expect(failed[0]?.reason).to.match(/has no open connection to close/)
    const end = history.findLast(e => e.kind === 'run_end')
    expect(end?.kind === 'run_end' ? end.detail : 'no run_end').to.equal(undefined)
    expect(r.verdicts.map(v => v.status), r.verdicts.map(v => v.summary).join('\n')).to.deep.equal(['unknown'])
    expect(r.status).to.equal('unknown')
  })

  it('Devnet.fault records it too, then throws', async () => {
    const scenario = parseScenario(SCENARIO.replace(/faults:[\s\S]*expectations/, 'expectations'), 'fault-failed-lib.yaml')
    await using devnet = await Devnet.start(scenario, { dir: await mkdtemp(join(tmpdir(), 'meshflap-faultfailed-')) })
    await devnet.leg('A>B').down()
    await sleep(300)
    const err = await devnet.fault(outboundOf('A', 'B'), 'close', { label: 'close while down' }).then(() => undefined, (e: unknown) => e as Error)
    expect(err?.message).to.match(/has no open connection to close/)
    const failed = devnet.history().filter((e): e is FaultFailed => e.kind === 'fault_failed')
    expect(failed.map(f => [f.fault, f.action, f.leg])).to.deep.equal([['close while down', 'close', 'A>B']])
  })

  it('a close due while its leg is redialing waits for the next connection and closes it', async () => {
    const scenario = parseScenario(SCENARIO.replace(/faults:[\s\S]*expectations/, 'expectations'), 'close-redialing.yaml')
    await using devnet = await Devnet.start(scenario, { dir: await mkdtemp(join(tmpdir(), 'meshflap-closeredial-')) })
    const leg = devnet.leg('A>B')
    await leg.down()
    await sleep(300)
    const closing = devnet.fault(outboundOf('A', 'B'), 'close', { label: 'close while redialing' })
    await sleep(500)
    const healedAt = Date.now()
    await leg.heal()
    await closing
    const closes = devnet.history().filter(e => e.kind === 'fault' && e.action === 'close')
    expect(closes.map(e => e.kind === 'fault' ? [e.fault, e.phase, e.leg] : []), 'the close applied once').to.deep.equal([['close while redialing', 'apply', 'A>B']])
    expect(closes[0]!.ts, 'closed after the leg came back').to.be.greaterThan(healedAt)
    expect(devnet.history().filter(e => e.kind === 'fault_failed')).to.deep.equal([])
  })
})
