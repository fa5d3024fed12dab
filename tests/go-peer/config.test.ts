/**
 * Issue 6: the Go peer's config handling and identity, run as the real binary.
 * A bad config is one clear message naming the file and the field, exit code 2,
 * nothing left listening; the same (seed, index) gives the TS node's peer id.
 */
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { createSocket } from 'node:dgram'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'
import { goPeerBinary } from '../../harness/impls/go.ts'
import { peerIdFor } from '../../harness/contract/identity.ts'

const good = (): Record<string, unknown> => ({
  name: 'A', index: 0, seed: 1, listen: ['/ip4/127.0.0.1/tcp/0'],
  duties: { genesisMs: Date.now(), slotMs: 1000 }
})

interface RunResult { code: number | null, stderr: string, ready?: Record<string, unknown>, status?: Record<string, unknown> }

/**
 * Runs the Go peer on `config`. If it gets ready, reads /v1/status, then stops
 * it (stdin EOF when the config has exitOnStdinClose, else SIGTERM) and collects the exit code.
 */
async function runPeer (config: unknown): Promise<RunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'meshflap-go-cfg-'))
  const path = join(dir, 'node.json')
  await writeFile(path, typeof config === 'string' ? config : JSON.stringify(config))
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(goPeerBinary(), [path], { stdio: ['pipe', 'pipe', 'pipe'] })
      let stderr = ''
      let stdout = ''
      const result: RunResult = { code: null, stderr: '' }
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString()
        const line = stdout.split('\n')[0]
        if (result.ready == null && stdout.includes('\n') && line != null) {
          result.ready = JSON.parse(line) as Record<string, unknown>
          fetch(`${String(result.ready.control)}/v1/status`).then(async r => await r.json()).then(s => {
            result.status = s as Record<string, unknown>
          }).catch(reject).finally(() => {
            if ((config as { exitOnStdinClose?: boolean }).exitOnStdinClose === true) child.stdin.end()
            else child.kill('SIGTERM')
          })
        }
      })
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      child.on('exit', code => {
        clearTimeout(timer)
        resolve({ ...result, code, stderr: stderr.replaceAll(path, '<file>') })
      })
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function tcpPortFree (port: number): Promise<boolean> {
  return await new Promise(resolve => {
    const s = createServer()
    s.once('error', () => { resolve(false) })
    s.listen(port, '127.0.0.1', () => { s.close(() => { resolve(true) }) })
  })
}

async function freeTcpPort (): Promise<number> {
  const s = createServer()
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as AddressInfo).port
  await new Promise(resolve => s.close(resolve))
  return port
}

describe('Go peer config', function () {
  this.timeout(60_000)

  it('embeds a byte-identical copy of the config schema', async () => {
    const [canonical, copy] = await Promise.all([
      readFile(join(PROJECT_ROOT, 'containers', 'node-config.schema.json'), 'utf8'),
      readFile(join(PROJECT_ROOT, 'containers', 'go-peer', 'node-config.schema.json'), 'utf8')
    ])
    expect(copy, 'containers/go-peer/node-config.schema.json is stale: copy containers/node-config.schema.json over it').to.equal(canonical)
  })

  const cases: Array<[string, () => unknown, RegExp]> = [
    ['missing field', () => { const c = good(); delete c.listen; return c }, /^<file>: field \/listen: required field is missing$/m],
    ['wrong type', () => ({ ...good(), index: 'zero' }), /^<file>: field \/index: must be integer, got string$/m],
    ['unknown field', () => ({ ...good(), colour: 'blue' }), /^<file>: field \/colour: unknown field "colour"$/m],
    ['unknown policy', () => ({ ...good(), gossipPolicy: 'yolo' }), /^<file>: field \/gossipPolicy: must be one of \["leg-aware","stock"\]$/m],
    ['the leg-aware policy', () => ({ ...good(), gossipPolicy: 'leg-aware' }), /^<file>: field \/gossipPolicy: "leg-aware" is not supported by the Go peer/m],
    ['nested wrong type', () => ({ ...good(), duties: { genesisMs: 1, slotMs: 'fast' } }), /^<file>: field \/duties\/slotMs: must be integer, got string$/m],
    ['nested unknown field', () => ({ ...good(), quic: { idle: 5 } }), /^<file>: field \/quic\/idle: unknown field "idle"$/m],
    ['bad listen address', () => ({ ...good(), listen: ['/dns4/example.com/tcp/1'] }), /^<file>: field \/listen\/0: must match pattern/m],
    ['degrees go-libp2p-pubsub refuses', () => ({ ...good(), gossip: { D: 4, Dlo: 6 } }), /^<file>: field \/gossip: go-libp2p-pubsub needs Dlo <= D <= Dhi/m],
    ['a subscribed subnet beyond subnets', () => ({ ...good(), duties: { genesisMs: 1, slotMs: 1000, subnets: 4, subscribeSubnets: [1, 4] } }), /^<file>: field \/duties\/subscribeSubnets: subnet 4 is not below subnets \(4\)$/m],
    ['a block offset no slot reaches', () => ({ ...good(), duties: { genesisMs: 1, slotMs: 1000, blocks: { bytes: 1024, every: 4, offset: 4 } } }), /^<file>: field \/duties\/blocks\/offset: must be below every \(4\)$/m],
    ['a block over 1 MiB', () => ({ ...good(), duties: { genesisMs: 1, slotMs: 1000, blocks: { bytes: 1048577 } } }), /^<file>: field \/duties\/blocks\/bytes: /m],
    ['not JSON', () => '{ nope', /^<file>: not valid JSON/m]
  ]
  for (const [what, make, message] of cases) {
    it(`rejects ${what} with exit code 2 and one message naming the field`, async () => {
      const { code, stderr, ready } = await runPeer(make())
      expect(ready, 'no ready event').to.equal(undefined)
      expect(code).to.equal(2)
      expect(stderr).to.match(message)
      expect(stderr.trim().split('\n'), stderr).to.have.length(1)
    })
  }

  it('rejects a control port in use with exit code 2 and leaves its listen port free', async () => {
    const blocker = createServer()
    await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as AddressInfo).port
    try {
      const listenPort = await freeTcpPort()
      const { code, stderr } = await runPeer({ ...good(), listen: [`/ip4/127.0.0.1/tcp/${listenPort}`], control: { host: '127.0.0.1', port } })
      expect(code).to.equal(2)
      expect(stderr).to.match(/^<file>: a listen or control address is already in use: .*address already in use/)
      expect(await tcpPortFree(listenPort), 'listen port free after exit').to.equal(true)
    } finally {
      await new Promise(resolve => blocker.close(resolve))
    }
  })

  it('rejects a TCP listen port in use with exit code 2, even next to a free one', async () => {
    const blocker = createServer()
    await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as AddressInfo).port
    try {
      const { code, stderr } = await runPeer({ ...good(), listen: ['/ip4/127.0.0.1/udp/0/quic-v1', `/ip4/127.0.0.1/tcp/${port}`] })
      expect(code).to.equal(2)
      expect(stderr).to.match(new RegExp(`already in use: listen /ip4/127.0.0.1/tcp/${port}:`))
    } finally {
      await new Promise(resolve => blocker.close(resolve))
    }
  })

  it('rejects a UDP (QUIC) listen port in use with exit code 2', async () => {
    const blocker = createSocket('udp4')
    await new Promise<void>(resolve => blocker.bind(0, '127.0.0.1', resolve))
    const port = blocker.address().port
    try {
      const { code, stderr } = await runPeer({ ...good(), listen: [`/ip4/127.0.0.1/udp/${port}/quic-v1`] })
      expect(code).to.equal(2)
      expect(stderr).to.match(/already in use/)
    } finally {
      await new Promise<void>(resolve => blocker.close(resolve))
    }
  })

  it('applies the schema defaults and reports the stock policy', async () => {
    const { code, ready, status } = await runPeer(good())
    expect(code, 'exit 0 on SIGTERM').to.equal(0)
    expect(ready).to.include({ type: 'ready', seq: 1, name: 'A', impl: 'go', gossipPolicy: 'stock' })
    expect(ready?.listen).to.be.an('array').with.length(1)
    expect(String((ready?.listen as string[])[0])).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/[1-9][0-9]*$/)
    expect(String(ready?.control)).to.match(/^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/)
    expect(status).to.include({ gossipPolicy: 'stock', impl: 'go', redialEnabled: true })
    // default subnets 4 and fork digest 12345678
    expect(Object.keys(status?.topics as object).sort()).to.deep.equal([0, 1, 2, 3].map(s => `/leanconsensus/12345678/attestation_${s}/ssz_snappy`))
  })

  it('derives the same peer id as the TS node for the same (seed, index)', async () => {
    const pairs: Array<[number | string, number]> = [[42, 0], [42, 1], [7, 3], [0, 0], [1234567890123, 5], ['run-α', 2]]
    const results = await Promise.all(pairs.map(async ([seed, index]) => await runPeer({ ...good(), seed, index, exitOnStdinClose: true })))
    results.forEach((r, i) => {
      const [seed, index] = pairs[i]!
      expect(r.ready?.peerId, `seed ${String(seed)} index ${index}`).to.equal(peerIdFor(seed, index))
      expect(String(r.ready?.peerId)).to.match(/^16Uiu2/)
      expect(r.code, 'exit 0 on stdin EOF').to.equal(0)
    })
    expect(new Set(results.map(r => r.ready?.peerId)).size).to.equal(pairs.length)
  })
})
