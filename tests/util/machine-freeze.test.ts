/**
 * The suite's retry across a machine freeze (tests/support/machine-freeze.ts, a mocha root hook): a
 * failure while the wall clock ran ahead of the monotonic clock is tried once more; any other
 * failure is final. Clocks are scripted here: a real freeze is the VM itself stopping.
 */
import { expect } from 'chai'
import { FREEZE_MS, freezeMeter, retryAcrossFreeze, type Clocks } from '../support/machine-freeze.ts'

/** Clocks in step; `freeze(ms)` moves only the wall clock, as a paused VM does. */
function scripted (): Clocks & { tick: (ms: number) => void, freeze: (ms: number) => void } {
  let wall = 1_000_000
  let mono = 500
  return { wall: () => wall, mono: () => mono, tick: ms => { wall += ms; mono += ms }, freeze: ms => { wall += ms } }
}

function recorder (): { log: string[], hooks: Parameters<typeof retryAcrossFreeze>[1] } {
  const log: string[] = []
  return { log, hooks: { onRetry: ms => log.push(`retry after ${ms}`), onFroze: () => log.push('froze'), restartTimer: () => log.push('timer') } }
}

describe('the suite: a test that failed while the machine stood still runs once more', () => {
  it('measures the wall clock running ahead of the monotonic one, and nothing while they run together', () => {
    const c = scripted()
    const froze = freezeMeter(c)
    c.tick(30_000)
    expect(froze()).to.equal(0)
    c.freeze(21_230)
    c.tick(100)
    expect(froze()).to.equal(21_230)
  })

  it('failed across a 21 s freeze: tried once more, and the second try counts (pass)', async () => {
    const c = scripted()
    const { log, hooks } = recorder()
    let tries = 0
    const value = await retryAcrossFreeze(() => { tries++; c.tick(3000); if (tries === 1) { c.freeze(21_000); throw new Error('coverage unknown') } return 'pass' }, hooks, c)
    expect(value).to.equal('pass')
    expect(tries).to.equal(2)
    expect(log).to.deep.equal(['retry after 21000', 'timer', 'froze'])
  })

  it('the second try failing too is the test\'s failure', async () => {
    const c = scripted()
    const { hooks } = recorder()
    let tries = 0
    const body = (): never => { tries++; c.freeze(5000); throw new Error(`try ${tries}`) }
    await retryAcrossFreeze(body, hooks, c).then(() => expect.fail('resolved'), (err: Error) => { expect(err.message).to.equal('try 2') })
  })

  it('negative control: a failure with the clocks in step (however long the test) is final, no second try', async () => {
    const c = scripted()
    const { log, hooks } = recorder()
    let tries = 0
    const body = (): never => { tries++; c.tick(600_000); c.freeze(FREEZE_MS); throw new Error('fail') }
    await retryAcrossFreeze(body, hooks, c).then(() => expect.fail('resolved'), (err: Error) => { expect(err.message).to.equal('fail') })
    expect(tries).to.equal(1)
    expect(log).to.deep.equal([])
  })

  it('a pass across a freeze stays a pass, run once; only mocha\'s wall-clock duration check is lifted', async () => {
    const c = scripted()
    const { log, hooks } = recorder()
    let tries = 0
    expect(await retryAcrossFreeze(() => { tries++; c.freeze(9000); return 7 }, hooks, c)).to.equal(7)
    expect(tries).to.equal(1)
    expect(log).to.deep.equal(['froze'])
  })
})
