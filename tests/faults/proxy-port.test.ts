/**
 * A TCP leg's proxy listens outside the ephemeral range (harness/faults/proxy-port.ts): while the
 * leg is down its port is free, and a port the OS also hands out as a source port can be taken by
 * any outgoing connection, after which `up` cannot bind it again (quorum-32 in CI: a bearing storm's
 * leg stayed down, "Request failed with status code 500").
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { createTcpProxy, startFaultEngine } from '../../harness/faults/engine.ts'
import { ephemeralRangeHere, LINUX_DEFAULT_EPHEMERAL, LOWEST_PROXY_PORT, proxyPortRange, proxyPortRangeHere, withDrawnPort } from '../../harness/faults/proxy-port.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'

const portOf = (listen: string): number => Number(listen.slice(listen.lastIndexOf(':') + 1))

describe('proxy ports outside the ephemeral range (pure)', () => {
  it('draws below the ephemeral ranges when that is the wider stretch, above otherwise, nothing when too narrow', () => {
    expect(proxyPortRange([LINUX_DEFAULT_EPHEMERAL])).to.deep.equal({ lo: LOWEST_PROXY_PORT, hi: 32767 })
    expect(proxyPortRange([{ lo: 12000, hi: 40000 }, LINUX_DEFAULT_EPHEMERAL])).to.deep.equal({ lo: 61000, hi: 65535 })
    expect(proxyPortRange([{ lo: 1024, hi: 65000 }])).to.equal(undefined)
  })

  it('reads the machine\'s range, and takes Linux\'s default when the file is unreadable or garbled', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshflap-ports-'))
    try {
      writeFileSync(join(dir, 'range'), '20000\t50000\n')
      expect(ephemeralRangeHere(join(dir, 'range'))).to.deep.equal({ lo: 20000, hi: 50000 })
      writeFileSync(join(dir, 'range'), 'nonsense')
      expect(ephemeralRangeHere(join(dir, 'range'))).to.deep.equal(LINUX_DEFAULT_EPHEMERAL)
      expect(ephemeralRangeHere(join(dir, 'missing'))).to.deep.equal(LINUX_DEFAULT_EPHEMERAL)
    } finally { rmSync(dir, { recursive: true, force: true }) }
  })

  it('replaces only port 0, keeps the host, and leaves port 0 to the OS without a range', () => {
    const range = { lo: 10000, hi: 10009 }
    expect(withDrawnPort('127.0.0.1:0', range, () => 0)).to.equal('127.0.0.1:10000')
    expect(withDrawnPort('127.0.0.1:0', range, () => 0.999)).to.equal('127.0.0.1:10009')
    expect(withDrawnPort('[::1]:0', range, () => 0.5)).to.equal('[::1]:10005')
    expect(withDrawnPort('127.0.0.1:4000', range)).to.equal('127.0.0.1:4000')
    expect(withDrawnPort('127.0.0.1:0', undefined)).to.equal('127.0.0.1:0')
  })
})

describe('proxy ports outside the ephemeral range (real toxiproxy-server)', function () {
  this.timeout(30_000)

  it('every TCP proxy created on port 0 listens outside this machine\'s and a container\'s ephemeral range', async () => {
    await using engine = await startFaultEngine('toxiproxy')
    const here = ephemeralRangeHere()
    for (let i = 0; i < 30; i++) {
      const port = portOf((await engine.createProxy(`leg-${i}`, '127.0.0.1:0', '127.0.0.1:1')).listen)
      expect(port, `proxy ${i}`).to.be.at.least(LOWEST_PROXY_PORT)
      for (const r of [here, LINUX_DEFAULT_EPHEMERAL]) expect(port >= r.lo && port <= r.hi, `port ${port} inside ${r.lo}-${r.hi}`).to.equal(false)
    }
  })

  it('a drawn port another socket holds is drawn again', async () => {
    await using engine = await startFaultEngine('toxiproxy')
    const range = proxyPortRangeHere()!
    const first = await engine.createProxy('first', '127.0.0.1:0', '127.0.0.1:1')
    const taken = (portOf(first.listen) - range.lo + 0.5) / (range.hi - range.lo + 1)
    const draws = [taken, taken, 0.5]
    const second = await createTcpProxy(engine.client, 'second', '127.0.0.1:0', '127.0.0.1:1', () => draws.shift() ?? 0.25)
    expect(draws, 'draws used').to.deep.equal([])
    expect(second.listen).to.equal(withDrawnPort('127.0.0.1:0', range, () => 0.5))
    // a port asked for explicitly is not drawn again: its failure is the caller's
    let refused = ''
    try { await createTcpProxy(engine.client, 'third', first.listen, '127.0.0.1:1') } catch (err) { refused = (err as Error).message }
    expect(refused).to.match(/status code 500/)
  })

  it('in a namespace whose every source port is 40000: the drawn port comes up after an outgoing connection took 40000, a proxy on 40000 cannot, and says why', function () {
    const script = join(PROJECT_ROOT, 'tests/faults/support/port-taken-while-down.ts')
    const r = spawnSync('unshare', ['--net', 'sh', '-c', `ip link set lo up && exec "${process.execPath}" "${script}"`], { encoding: 'utf8', timeout: 20_000 })
    if (r.error != null || (r.status !== 0 && /unshare|Operation not permitted|ip: not found/.test(r.stderr))) {
      this.skip() // no network namespaces here (not root, or no iproute2): the pure and real tests above still hold
    }
    expect(r.status, r.stderr).to.equal(0)
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}')
    expect(out.sourcePort).to.equal(40000)
    expect(out.drawn.up).to.equal('ok')
    expect(portOf(out.drawn.listen)).to.be.below(32768)
    expect(out.inRange.listen).to.equal('127.0.0.1:40000')
    expect(out.inRange.up).to.match(/could not enable the proxy of leg B>A on 127\.0\.0\.1:40000 \(HTTP 500: .*address already in use/)
  })
})
