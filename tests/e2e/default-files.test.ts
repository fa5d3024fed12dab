/**
 * The CLI's default files (the shipped scenarios, fixtures/known-failures.yaml, fixtures/gate.yaml)
 * come from the meshflap package, whatever the current directory, and each command says which file
 * it used. Before, they were relative to the cwd: from any other folder `meshflap list` and
 * `meshflap gate` found nothing.
 */
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'

interface Finished { code: number | null, stdout: string, stderr: string }

async function node (args: string[], cwd: string): Promise<Finished> {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const code = await new Promise<number | null>(resolve => { child.on('exit', c => { resolve(c) }) })
  return { code, stdout, stderr }
}

const BIN = join(PROJECT_ROOT, 'harness', 'cli', 'bin.js')
const FIXTURES = join(PROJECT_ROOT, 'fixtures')

describe('CLI defaults come from the package, not the cwd', function () {
  this.timeout(60_000)
  let elsewhere: string
  before(async () => { elsewhere = await mkdtemp(join(tmpdir(), 'meshflap-elsewhere-')) })

  it('meshflap list, from another folder, lists the shipped scenarios and says where they are', async () => {
    const r = await node([BIN, 'list'], elsewhere)
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stderr).to.include(`scenarios: ${join(FIXTURES, 'scenarios')} (meshflap's own; --dir <folder> for another)`)
    expect(r.stdout).to.include(join(FIXTURES, 'scenarios', 'pr278-non-bearing-leg-flap.yaml'))
  })

  it('meshflap matrix, from another folder, reads meshflap\'s known failures and says so', async () => {
    await writeFile(join(elsewhere, 'broken.yaml'), 'name: broken\n')
    const r = await node([BIN, 'matrix', 'broken.yaml'], elsewhere)
    expect(r.stderr).to.include(`known failures: ${join(FIXTURES, 'known-failures.yaml')} (meshflap's own; --known-failures <file> for another)`)
    expect(r.stderr).to.not.include('cannot read')
    expect(r.code, r.stderr).to.equal(2) // the scenario file is broken, on purpose: nothing runs
  })

  it('the gate\'s default set is meshflap\'s fixtures/gate.yaml, its entries relative to it; a named set that is missing is exit 2', async () => {
    const script = `const { gatingSet } = await import(${JSON.stringify(pathToFileURL(join(PROJECT_ROOT, 'harness', 'cli', 'reruns-commands.ts')).href)}); process.stdout.write(JSON.stringify(await gatingSet()))`
    const r = await node(['--input-type=module', '-e', script], elsewhere)
    expect(r.code, r.stderr).to.equal(0)
    const set = JSON.parse(r.stdout) as { files: string[], source: string }
    expect(set.source).to.equal(`gating set: ${join(FIXTURES, 'gate.yaml')} (meshflap's own; --set <file> for another)`)
    expect(set.files).to.include(join(FIXTURES, 'scenarios', 'bearing-leg-down.yaml'))
    for (const f of set.files) expect(existsSync(f), f).to.equal(true)

    const missing = await node([BIN, 'gate', '--set', 'no-such-gate.yaml'], elsewhere)
    expect(missing.code).to.equal(2)
    expect(missing.stderr).to.match(/^no-such-gate\.yaml: cannot read the gating set: ENOENT/m)
  })
})
