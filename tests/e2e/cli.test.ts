/**
 * The `meshflap` command as a user meets it: exit codes, bad input rejected
 * before anything starts, and nothing left behind after Ctrl-C or a node crash.
 */
import { expect } from 'chai'
import { spawn, execFileSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'
import type { HistoryEntry, RunStart } from '../../harness/history/types.ts'
import { multiaddrPort, portIsFree } from '../support/ports.ts'
import { waitFor } from '../support/wait-for.ts'

const BIN = join(PROJECT_ROOT, 'harness', 'cli', 'bin.js')
const PR278 = join(PROJECT_ROOT, 'fixtures', 'scenarios', 'pr278-non-bearing-leg-flap.yaml')

interface Finished { code: number | null, stdout: string, stderr: string }

function meshflap (args: string[]): { child: ChildProcess, done: Promise<Finished> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString() })
  const done = new Promise<Finished>(resolve => { child.on('exit', code => { resolve({ code, stdout, stderr }) }) })
  return { child, done }
}

/** Processes whose command line mentions the run directory: nodes started for that run. */
function processesMentioning (dir: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
  return out.split('\n').filter(l => l.includes(dir) && !l.includes(' ps '))
}

async function runDirOf (out: string): Promise<string> {
  const dirs = await readdir(out)
  expect(dirs, 'one run directory').to.have.length(1)
  return join(out, dirs[0]!)
}

async function historyOf (dir: string): Promise<HistoryEntry[]> {
  const text = await readFile(join(dir, 'history.ndjson'), 'utf8')
  return text.split('\n').filter(l => l.trim() !== '').map(l => JSON.parse(l) as HistoryEntry)
}

async function waitForOutput (read: () => string, pattern: RegExp, timeoutMs: number): Promise<void> {
  await waitFor(() => pattern.test(read()), timeoutMs, () => `the output matches ${String(pattern)}; output:\n${read()}`, 100)
}

describe('meshflap CLI', function () {
  this.timeout(120_000)

  it('validate: every malformed fixture is rejected with exit code 2 and file:line', async () => {
    const dir = join(PROJECT_ROOT, 'fixtures', 'malformed')
    const files = (await readdir(dir)).filter(f => f.endsWith('.yaml')).map(f => join('fixtures', 'malformed', f))
    expect(files.length).to.be.at.least(20)
    const { code, stderr, stdout } = await meshflap(['validate', ...files]).done
    expect(code, 'exit code').to.equal(2)
    expect(stdout, 'no malformed file is accepted').to.equal('')
    for (const file of files) {
      expect(stderr, `${file}: named with its line`).to.match(new RegExp(`${file.replace(/[.]/g, '\\.')}:\\d+`))
    }
  })

  it('run: a malformed scenario starts nothing and exits 2', async () => {
    const out = await mkdtemp(join(tmpdir(), 'meshflap-cli-'))
    const { code, stderr } = await meshflap(['run', 'fixtures/malformed/unknown-node-in-selector.yaml', PR278, '--out', out]).done
    expect(code).to.equal(2)
    expect(stderr).to.match(/unknown-node-in-selector\.yaml:\d+:\d+/)
    expect(await readdir(out), 'no run directory: nothing started').to.deep.equal([])
  })

  it('run: unknown flags and bad values exit 2 with the help hint', async () => {
    for (const args of [['run', PR278, '--runtime', 'vm'], ['run', PR278, '--seed', 'x'], ['run', PR278, '--impl', 'zig'], ['nope']]) {
      const { code, stderr } = await meshflap(args).done
      expect(code, args.join(' ')).to.equal(2)
      expect(stderr).to.match(/error|invalid|unknown/i)
    }
  })

  it('run: Ctrl-C mid-run stops every node and proxy, records the run as interrupted, exits 130', async () => {
    const out = await mkdtemp(join(tmpdir(), 'meshflap-cli-'))
    const { child, done } = meshflap(['run', PR278, '--out', out])
    let err = ''
    child.stderr!.on('data', (d: Buffer) => { err += d.toString() })
    await waitForOutput(() => err, /slot [2-9]\//, 60_000)
    const dir = await runDirOf(out)
    expect(processesMentioning(dir).length, 'nodes are running before Ctrl-C').to.be.greaterThan(0)
    child.kill('SIGINT')
    const { code } = await done
    expect(code).to.equal(130)
    expect(processesMentioning(dir), 'processes left after Ctrl-C').to.deep.equal([])
    const history = await historyOf(dir)
    const end = history.find(e => e.kind === 'run_end')
    expect(end?.kind === 'run_end' ? end.reason : undefined).to.equal('interrupted')
    await expectPortsFree(history)
  })

  it('run: a node killed mid-run fails the run with its last log lines, and nothing is left behind', async () => {
    const out = await mkdtemp(join(tmpdir(), 'meshflap-cli-'))
    const { child, done } = meshflap(['run', PR278, '--out', out])
    let err = ''
    child.stderr!.on('data', (d: Buffer) => { err += d.toString() })
    await waitForOutput(() => err, /slot [2-9]\//, 60_000)
    const dir = await runDirOf(out)
    const ready = (await historyOf(dir)).find(e => e.kind === 'node' && e.node === 'B' && e.type === 'ready')
    expect(ready, 'node B ready event').to.not.equal(undefined)
    process.kill((ready as unknown as { pid: number }).pid, 'SIGKILL')
    const { code, stdout } = await done
    expect(code, stdout).to.equal(1)
    expect(stdout).to.match(/FAIL/)
    expect(stdout).to.match(/node B/)
    expect(processesMentioning(dir), 'processes left after the crash').to.deep.equal([])
    const history = await historyOf(dir)
    const exit = history.find(e => e.kind === 'node_exit' && e.node === 'B')
    expect(exit?.kind === 'node_exit' && !exit.expected, 'B recorded as an unexpected exit').to.equal(true)
    const end = history.find(e => e.kind === 'run_end')
    expect(end?.kind === 'run_end' ? end.reason : undefined).to.equal('node-failed')
    await expectPortsFree(history)
  })
})

describe('meshflap CLI: a hung node', function () {
  this.timeout(120_000)

  it('a node that stops answering (SIGSTOP) is killed as hung: the run fails with it named, nothing left behind', async () => {
    const out = await mkdtemp(join(tmpdir(), 'meshflap-cli-'))
    const { child, done } = meshflap(['run', PR278, '--out', out])
    let err = ''
    child.stderr!.on('data', (d: Buffer) => { err += d.toString() })
    await waitForOutput(() => err, /slot [1-9]\//, 60_000)
    const dir = await runDirOf(out)
    const ready = (await historyOf(dir)).find(e => e.kind === 'node' && e.node === 'C' && e.type === 'ready')
    process.kill((ready as unknown as { pid: number }).pid, 'SIGSTOP')
    const { code, stdout } = await done
    expect(code, stdout).to.equal(1)
    expect(err + stdout).to.match(/node C did not answer its control API 3 times in a row/)
    expect(processesMentioning(dir), 'processes left after the hang').to.deep.equal([])
    const history = await historyOf(dir)
    const exit = history.find(e => e.kind === 'node_exit' && e.node === 'C')
    expect(exit?.kind === 'node_exit' && !exit.expected, 'C recorded as an unexpected exit').to.equal(true)
    const end = history.find(e => e.kind === 'run_end')
    expect(end?.kind === 'run_end' ? end.reason : undefined).to.equal('node-failed')
    await expectPortsFree(history)
  })
})

async function expectPortsFree (history: HistoryEntry[]): Promise<void> {
  const start = history.find((e): e is RunStart => e.kind === 'run_start')
  if (start == null) return
  for (const leg of start.legs) {
    const { host, port, protocol } = multiaddrPort(leg.proxyAddr)
    expect(await portIsFree(host, port, protocol), `proxy port of ${leg.name} (${leg.proxyAddr}) free`).to.equal(true)
  }
}
