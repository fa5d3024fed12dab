/** Issue 2 test 5: a bad config is one clear message naming the field, exit code 2, nothing listening. */
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TS_NODE_MAIN } from '../../harness/impls/ts.ts'

const good = (): Record<string, unknown> => ({
  name: 'A', index: 0, seed: 1, listen: ['/ip4/127.0.0.1/tcp/0'],
  duties: { genesisMs: Date.now(), slotMs: 1000 }
})

async function runNode (config: unknown): Promise<{ code: number | null, stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'meshflap-cfg-'))
  const path = join(dir, 'node.json')
  await writeFile(path, typeof config === 'string' ? config : JSON.stringify(config))
  try {
    return await new Promise(resolve => {
      const child = spawn(process.execPath, [TS_NODE_MAIN, path], { stdio: ['ignore', 'pipe', 'pipe'] })
      let stderr = ''
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      child.on('exit', code => { clearTimeout(timer); resolve({ code, stderr: stderr.replaceAll(path, '<file>') }) })
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

describe('TS node config rejection', function () {
  this.timeout(60_000)
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['missing field', () => { const c = good(); delete c.listen; return c }, /<file>: field \(top level\): must have required property 'listen'/],
    ['wrong type', () => ({ ...good(), index: 'zero' }), /<file>: field \/index: must be integer/],
    ['unknown field', () => ({ ...good(), colour: 'blue' }), /<file>: field \(top level\): unknown field "colour"/],
    ['unknown policy', () => ({ ...good(), gossipPolicy: 'yolo' }), /<file>: field \/gossipPolicy: must be one of \["leg-aware","stock"\]/],
    ['nested wrong type', () => ({ ...good(), duties: { genesisMs: 1, slotMs: 'fast' } }), /<file>: field \/duties\/slotMs: must be integer/],
    ['bad listen address', () => ({ ...good(), listen: ['/dns4/example.com/tcp/1'] }), /<file>: field \/listen\/0: must match pattern/],
    ['a subscribed subnet beyond subnets', () => ({ ...good(), duties: { genesisMs: 1, slotMs: 1000, subnets: 4, subscribeSubnets: [1, 4] } }), /<file>: field \/duties\/subscribeSubnets: subnet 4 is not below subnets \(4\)$/m],
    ['a block offset no slot reaches', () => ({ ...good(), duties: { genesisMs: 1, slotMs: 1000, blocks: { bytes: 1024, every: 4, offset: 4 } } }), /<file>: field \/duties\/blocks\/offset: must be below every \(4\)$/m],
    ['a block over 1 MiB', () => ({ ...good(), duties: { genesisMs: 1, slotMs: 1000, blocks: { bytes: 1048577 } } }), /<file>: field \/duties\/blocks\/bytes: /m],
    ['not JSON', () => '{ nope', /<file>: not valid JSON/],
    ['unknown mutant', () => ({ ...good(), mutants: ['nope'] }), /<file>: field \/mutants: unknown mutant "nope"; this node has teardown-on-any-leg-close, /],
    ['a mutant on stock', () => ({ ...good(), gossipPolicy: 'stock', mutants: ['drop-early-subscribe'] }), /<file>: field \/mutants: mutants are defects of the leg-aware policy/]
  ]
  for (const [what, make, message] of cases) {
    it(`rejects ${what} with exit code 2`, async () => {
      const { code, stderr } = await runNode(make())
      expect(code).to.equal(2)
      expect(stderr).to.match(message)
    })
  }

  it('rejects a control port in use with exit code 2 and leaves nothing listening', async () => {
    const blocker = createServer()
    await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as AddressInfo).port
    try {
      const listenPort = await freePort()
      const { code, stderr } = await runNode({ ...good(), listen: [`/ip4/127.0.0.1/tcp/${listenPort}`], control: { host: '127.0.0.1', port } })
      expect(code).to.equal(2)
      expect(stderr).to.match(/already in use/)
      // the libp2p listen port it would have used is free again
      await expectFree(listenPort)
    } finally {
      blocker.close()
    }
  })

  it('rejects a libp2p listen port in use with exit code 2', async () => {
    const blocker = createServer()
    await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as AddressInfo).port
    try {
      const controlPort = await freePort()
      const { code, stderr } = await runNode({ ...good(), listen: [`/ip4/127.0.0.1/tcp/${port}`], control: { host: '127.0.0.1', port: controlPort } })
      expect(code).to.equal(2)
      expect(stderr).to.match(/already in use/)
      await expectFree(controlPort)
    } finally {
      blocker.close()
    }
  })
})

async function freePort (): Promise<number> {
  const s = createServer()
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as AddressInfo).port
  await new Promise<void>(resolve => s.close(() => { resolve() }))
  return port
}

async function expectFree (port: number): Promise<void> {
  const s = createServer()
  await new Promise<void>((resolve, reject) => { s.once('error', reject); s.listen(port, '127.0.0.1', resolve) })
  await new Promise<void>(resolve => s.close(() => { resolve() }))
}
