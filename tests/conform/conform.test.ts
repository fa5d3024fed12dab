/**
 * `meshflap conform` (harness/conform/): the Go and Rust peer binaries run through it as a
 * client team's build would (impl `external`), the CLI prints a green card and writes JUnit,
 * and a command that is no node gets a red card (the negative control).
 */
import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { runConform } from '../../harness/conform/run-conform.ts'
import { conformPassed, reportCard } from '../../harness/conform/report-card.ts'
import { rustPeerBinary } from '../../harness/impls/rust.ts'
import { goPeerBinary } from '../../harness/impls/go.ts'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..', '..')

describe('meshflap conform', function () {
  this.timeout(120_000)

  it('the Go peer binary, through the CLI: a green card with every check, and JUnit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshflap-conform-go-'))
    const junit = join(dir, 'card.xml')
    const { stdout } = await run(process.execPath, [join(ROOT, 'harness', 'cli', 'bin.js'), 'conform', '--command', goPeerBinary(), '--junit', junit, '--dir', dir], { cwd: ROOT })
    expect(stdout).to.match(/^CONFORMS: 22 pass, 0 fail, 0 not reported, 0 not run$/m)
    for (const title of ['an unknown wire profile is refused', 'dials only to the given addresses', 'idle timeout applied', 'redials its lost leg', 'zig-libp2p wire profile']) expect(stdout).to.contain(title)
    expect(stdout).to.match(/measured A \d+ ms, B \d+ ms \(configured 2000 ms\)/)
    const xml = await readFile(junit, 'utf8')
    expect(xml).to.contain('tests="22"').and.contain('failures="0"')
  })

  it('the Go peer with stream reporting switched off (after --): "not reported" rows, and it still passes what it can', async () => {
    const { stdout } = await run(process.execPath, [join(ROOT, 'harness', 'cli', 'bin.js'), 'conform', '--dir', await mkdtemp(join(tmpdir(), 'meshflap-conform-go-blind-')), '--', goPeerBinary(), '--no-stream-reports'], { cwd: ROOT })
    expect(stdout).to.match(/^CONFORMS: 20 pass, 0 fail, 2 not reported, 0 not run$/m)
    expect(stdout).to.match(/not reported +streams per leg, gossip inbound and outbound marked\n +A declares it does not report streams/)
    expect(stdout).to.match(/not reported +msg_received names the leg each message arrived on/)
    expect(stdout).to.contain('A: does not report streams, receiveLeg')
    expect(stdout).to.match(/pass +idle timeout applied/)
  })

  it('the Rust peer binary as external: every check passes', async () => {
    const results = await runConform({ command: [rustPeerBinary()] }, { dir: await mkdtemp(join(tmpdir(), 'meshflap-conform-rust-')) })
    expect(results.filter(r => r.status !== 'pass').map(r => `${r.id}: ${r.evidence}`)).to.deep.equal([])
    expect(conformPassed(results)).to.equal(true)
  })

  it('negative control: a command that is no node fails config rejection and never gets a devnet', async () => {
    const results = await runConform({ command: ['/bin/true'] }, { dir: await mkdtemp(join(tmpdir(), 'meshflap-conform-none-')) })
    expect(conformPassed(results)).to.equal(false)
    expect(results.find(r => r.id === 'config.unknown-field')?.status).to.equal('fail')
    expect(results.find(r => r.id === 'config.unknown-field')?.evidence).to.contain('exit code 0, want 2')
    expect(results.find(r => r.id === 'devnet.lean')?.status).to.equal('fail')
    expect(reportCard('/bin/true', results)).to.match(/DOES NOT CONFORM/)
  })

  it('the CLI refuses neither or both of --command and --image with exit code 2', async () => {
    const err = await run(process.execPath, [join(ROOT, 'harness', 'cli', 'bin.js'), 'conform'], { cwd: ROOT }).then(() => undefined, (e: { code: number, stderr: string }) => e)
    expect(err?.code).to.equal(2)
    expect(err?.stderr).to.contain('exactly one of --command')
  })
})
