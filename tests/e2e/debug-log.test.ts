/**
 * MESHFLAP_LOG=debug: `meshflap run` writes the harness's diagnostics to stderr as JSON lines (devnet
 * start-up, one per proxy, selector resolution, fault application); without it, none. The docker
 * runtime's image and base decisions go through the same logger (tests/docker/docker-images.test.ts).
 */
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { createLogger } from '../../harness/cli/logger.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'

const BIN = join(PROJECT_ROOT, 'harness', 'cli', 'bin.js')

const SCENARIO = `
name: debug-log
description: two nodes and one flap, to see the harness's debug diagnostics
seed: 3
validators: 4
nodes:
  - { name: A }
  - { name: B, aggregator: true }
transport: mixed
slotMs: 500
slots: 3
genesisDelayMs: 300
faults:
  - { atMs: 600, action: { flap: { times: 1, downMs: 200 } }, target: { non-bearing-of: A } }
expectations: [streams-survive]
`

interface LogLine { level: number, msg: string, component?: string, [k: string]: unknown }

async function run (env: NodeJS.ProcessEnv): Promise<{ code: number | null, lines: LogLine[], stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'meshflap-debuglog-'))
  const file = join(dir, 'debug-log.yaml')
  await writeFile(file, SCENARIO)
  const child = spawn(process.execPath, [BIN, 'run', file, '--out', join(dir, 'runs')], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const code = await new Promise<number | null>(resolve => { child.on('exit', c => { resolve(c) }) })
  const lines = stderr.split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as LogLine)
  return { code, lines, stderr }
}

describe('MESHFLAP_LOG', function () {
  this.timeout(90_000)

  it('debug: devnet start-up, every proxy, selector resolution and fault application on stderr; unset: none', async () => {
    const { MESHFLAP_LOG: _, ...quiet } = process.env
    const on = await run({ ...quiet, MESHFLAP_LOG: 'debug' })
    expect(on.code, on.stderr).to.equal(0)
    const msgs = on.lines.filter(l => l.level === 20).map(l => l.msg)
    for (const m of ['devnet starting', 'fault engine started', 'node ready', 'every pair meshed: both legs, gossip streams both ways', 'genesis set, run started', 'selector resolved', 'fault applying', 'devnet stopping']) {
      expect(msgs, m).to.include(m)
    }
    const proxies = on.lines.filter(l => l.msg === 'proxy created').map(l => `${String(l.leg)} ${String(l.transport)}`).sort()
    expect(proxies).to.deep.equal(['A>B quic', 'B>A tcp'])
    const resolved = on.lines.find(l => l.msg === 'selector resolved')
    expect(resolved?.fault).to.equal('faults[0]')
    expect(resolved?.legs).to.have.length(1)

    const off = await run(quiet)
    expect(off.code, off.stderr).to.equal(0)
    expect(off.lines, off.stderr).to.deep.equal([])
  })

  it('an unknown level falls back to warn and says so', () => {
    let out = ''
    const sink = new Writable({ write (chunk: Buffer, _enc, cb) { out += chunk.toString(); cb() } })
    const log = createLogger({ MESHFLAP_LOG: 'verbose' }, sink)
    log.debug('hidden')
    expect(log.level).to.equal('warn')
    expect(out).to.match(/MESHFLAP_LOG=verbose is not a level/)
    expect(out).to.not.include('hidden')
  })
})
