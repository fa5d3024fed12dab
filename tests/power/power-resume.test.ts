/**
 * `meshflap power --resume DIR`: the cells DIR/power.json lists are kept, the
 * others run into DIR (real nodes: one mutant cell on drop-early-subscribe);
 * a folder that is not a power run, or one from another runtime, is exit 2
 * naming the file and field, and nothing is written.
 */
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readPowerProgress } from '../../harness/power/resume.ts'
import type { PowerCellResult } from '../../harness/power/power-table.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'

const BIN = join(PROJECT_ROOT, 'harness', 'cli', 'bin.js')
const FIXTURE = join(PROJECT_ROOT, 'fixtures', 'scenarios', 'drop-early-subscribe.yaml')

async function meshflap (args: string[]): Promise<{ code: number | null, stderr: string, stdout: string }> {
  return await new Promise(resolve => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    let stdout = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    child.on('exit', code => { resolve({ code, stderr, stdout }) })
  })
}

/** What an earlier run measured for the correct node on the fixture (seed 41, the fixture's own). */
const earlier = (seed: number): PowerCellResult => ({
  key: `drop-early-subscribe correct seed ${seed}`,
  fixture: 'drop-early-subscribe',
  variant: { kind: 'correct', name: 'correct' },
  seed,
  status: 'pass',
  summary: 'every verdict passed',
  dir: '/earlier/run',
  reproduce: 'npx meshflap run ...',
  wallMs: 30_000
})

describe('meshflap power --resume', function () {
  this.timeout(240_000)

  it('keeps the cells power.json lists and runs the rest into the same folder; the wall time adds up', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshflap-power-resume-'))
    const seed = Number(/^seed: (\d+)$/m.exec(await readFile(FIXTURE, 'utf8'))?.[1])
    const kept = earlier(seed)
    await writeFile(join(dir, 'power.json'), JSON.stringify({ cells: [kept, { ...kept, key: 'gone-fixture correct seed 1', fixture: 'gone-fixture' }], runtime: 'process', wallMs: 30_000 }))
    const r = await meshflap(['power', FIXTURE, '--mutant', 'drop-early-subscribe', '--judged-only', '--seeds', '1', '--resume', dir])
    expect(r.stderr).to.include('resume: 1 of 2 cell(s) already measured')
    expect(r.stderr).to.include('1 earlier cell(s) are not in this plan and are left out: gone-fixture correct seed 1')
    const power = JSON.parse(await readFile(join(dir, 'power.json'), 'utf8')) as { cells: PowerCellResult[], wallMs: number, interrupted: boolean }
    expect(power.interrupted).to.equal(false)
    expect(power.cells.map(c => c.key)).to.deep.equal([kept.key, `drop-early-subscribe ~drop-early-subscribe seed ${seed}`])
    expect(power.cells[0], 'the earlier cell is kept as it was').to.deep.equal(kept)
    const ran = power.cells[1]!
    expect(ran.dir.startsWith(join(dir, 'runs')), ran.dir).to.equal(true)
    expect(power.wallMs).to.be.greaterThan(30_000 + ran.wallMs - 1)
    // judged the same as a fresh run: the mutant caught (fail) unless the machine could not judge it
    if (ran.status !== 'unknown') expect(ran.status, ran.summary).to.equal('fail')
    expect(await readdir(dir)).to.include.members(['power.json', 'power.html', 'junit.xml', 'runs'])
  })

  const bad: Array<[string, (dir: string) => Promise<void>, RegExp]> = [
    ['a folder without power.json', async () => {}, /--resume .*: cannot read .*power\.json \(ENOENT\); expected the folder of an earlier `meshflap power`/],
    ['power.json that is not JSON', async dir => { await writeFile(join(dir, 'power.json'), '{ nope') }, /power\.json is not JSON/],
    ['power.json without cells', async dir => { await writeFile(join(dir, 'power.json'), JSON.stringify({ runtime: 'process', cells: [{ key: 1 }] })) }, /power\.json field "cells": expected a list of power cells/],
    ['power.json from another runtime', async dir => { await writeFile(join(dir, 'power.json'), JSON.stringify({ runtime: 'docker', cells: [] })) }, /field "runtime" is "docker", this run's is "process"; .*--runtime docker/]
  ]
  for (const [what, make, message] of bad) {
    it(`refuses ${what}: exit 2, nothing run`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'meshflap-power-resume-bad-'))
      await make(dir)
      const before = await readdir(dir)
      const r = await meshflap(['power', FIXTURE, '--mutant', 'drop-early-subscribe', '--judged-only', '--seeds', '1', '--resume', dir])
      expect(r.code, r.stderr).to.equal(2)
      expect(r.stderr).to.match(message)
      expect(await readdir(dir)).to.deep.equal(before)
      await readPowerProgress(dir, 'process').then(() => { throw new Error('readPowerProgress accepted it') }, (err: Error) => { expect(err.message).to.match(message) })
    })
  }
})
