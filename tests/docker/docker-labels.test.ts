// suite: serial — uses the one Docker engine (containers, images and networks found by label)
/**
 * Who owns a run (no engine needed): the owner label round-trips, a live
 * harness is alive, an exited one is dead, a reused pid is dead, another
 * host's harness is unknown (never swept without --force). Plus the small
 * conversions the docker node relies on.
 */
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { hostname } from 'node:os'
import { currentOwner, ownerLabel, ownerState, parseOwner } from '../../harness/runtime/docker-labels.ts'
import { exitCodeToInfo, listenOnNetwork } from '../../harness/runtime/docker-node.ts'
import { dockerSettingsFromEnv } from '../../harness/runtime/docker-settings.ts'
import { renderCleanReport, emptyReport } from '../../harness/runtime/docker-clean.ts'

describe('docker labels: run owners', () => {
  it('the owner label round-trips and names this process', () => {
    const me = currentOwner()
    expect(me.pid).to.equal(process.pid)
    expect(me.host).to.equal(hostname())
    expect(me.startTicks).to.match(/^[0-9]+$/)
    expect(parseOwner(ownerLabel(me))).to.deep.equal(me)
    expect(parseOwner('garbage')).to.equal(undefined)
  })

  it('alive while the process runs, dead once it exited, dead when its pid was reused', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' })
    const pid = child.pid as number
    const exited = new Promise(resolve => child.once('exit', resolve))
    const me = currentOwner()
    const owner = { host: me.host, pid, startTicks: '' }
    expect(ownerState(owner)).to.equal('alive')
    child.kill('SIGKILL')
    await exited
    expect(ownerState(owner)).to.equal('dead')
    expect(ownerState({ ...me, startTicks: String(Number(me.startTicks) + 1) }), 'same pid, other start time').to.equal('dead')
    expect(ownerState(me)).to.equal('alive')
  })

  it('another host\'s owner is unknown; a resource with no owner label is dead', () => {
    expect(ownerState({ host: `${hostname()}-elsewhere`, pid: 1, startTicks: '' })).to.equal('unknown')
    expect(ownerState(undefined)).to.equal('dead')
  })
})

describe('docker node conversions', () => {
  it('exit statuses: 0 and 1 are codes, 137/143 are SIGKILL/SIGTERM', () => {
    expect(exitCodeToInfo(0)).to.deep.equal({ code: 0, signal: null })
    expect(exitCodeToInfo(2)).to.deep.equal({ code: 2, signal: null })
    expect(exitCodeToInfo(137)).to.deep.equal({ code: null, signal: 'SIGKILL' })
    expect(exitCodeToInfo(143)).to.deep.equal({ code: null, signal: 'SIGTERM' })
    expect(exitCodeToInfo(null)).to.deep.equal({ code: null, signal: null })
  })

  it('listen addresses: the container IP\'s, or the wildcard rewritten to it', () => {
    const ip = '172.30.0.5'
    expect(listenOnNetwork(['/ip4/127.0.0.1/udp/4001/quic-v1', `/ip4/${ip}/udp/4001/quic-v1`], ip)).to.deep.equal([`/ip4/${ip}/udp/4001/quic-v1`])
    expect(listenOnNetwork(['/ip4/0.0.0.0/tcp/4002'], ip)).to.deep.equal([`/ip4/${ip}/tcp/4002`])
    expect(listenOnNetwork(['/ip4/127.0.0.1/tcp/4002'], ip)).to.deep.equal([])
  })
})

describe('docker settings and clean report', () => {
  it('reads the environment once, with defaults', () => {
    expect(dockerSettingsFromEnv({})).to.deep.equal({ baseImage: 'debian:bookworm-slim', pullTimeoutMs: 5000, debianMirror: 'http://deb.debian.org/debian', requireDocker: false })
    expect(dockerSettingsFromEnv({ MESHFLAP_DOCKER_BASE_IMAGE: 'node:24-bookworm-slim', MESHFLAP_DOCKER_PULL_TIMEOUT_MS: '0', MESHFLAP_REQUIRE_DOCKER: '1' }))
      .to.include({ baseImage: 'node:24-bookworm-slim', pullTimeoutMs: 0, requireDocker: true })
    expect(dockerSettingsFromEnv({ MESHFLAP_DOCKER_PULL_TIMEOUT_MS: 'soon' }).pullTimeoutMs).to.equal(5000)
  })

  it('the clean report says what was removed and why a run was kept', () => {
    expect(renderCleanReport(emptyReport())).to.equal('nothing to remove')
    const text = renderCleanReport({ ...emptyReport(), containers: ['a', 'b'], networks: ['n'], kept: [{ runId: 'r1', owner: 'h/1/2', state: 'alive' }] })
    expect(text).to.equal('removed 2 container(s), 1 network(s), 0 image(s)\nkept run r1 (owner h/1/2 is still running; --force removes it)')
  })
})
