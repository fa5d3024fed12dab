/**
 * `--mutant`, `meshflap power` and the many-run commands' flags refuse bad input before anything starts:
 * exit 2, a message naming the flag and what it expects, no run directory.
 */
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { mkdtemp, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'

const BIN = join(PROJECT_ROOT, 'harness', 'cli', 'bin.js')
const fixture = (name: string): string => join(PROJECT_ROOT, 'fixtures', 'scenarios', `${name}.yaml`)

async function meshflap (args: string[]): Promise<{ code: number | null, stderr: string }> {
  return await new Promise(resolve => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    child.on('exit', code => { resolve({ code, stderr }) })
  })
}

describe('--mutant, meshflap power and the many-run flags: bad input exits 2 and starts nothing', function () {
  this.timeout(120_000)
  let out: string
  beforeEach(async () => { out = await mkdtemp(join(tmpdir(), 'meshflap-mutant-cli-')) })

  const cases: Array<[string, () => string[], RegExp]> = [
    ['run --mutant with an unknown name', () => ['run', fixture('drop-early-subscribe'), '--mutant', 'nope', '--out', out], /--mutant: unknown mutant "nope"; known: teardown-on-any-leg-close, /],
    ['run --mutant with --policy stock', () => ['run', fixture('drop-early-subscribe'), '--mutant', 'drop-early-subscribe', '--policy', 'stock', '--out', out], /modifies the leg-aware policy/],
    ['run --mutant on Go nodes only', () => ['run', fixture('drop-early-subscribe'), '--mutant', 'drop-early-subscribe', '--impl', 'go', '--out', out], /no node of this scenario has an implementation with that mutant/],
    ['power --parallel 0', () => ['power', '--parallel', '0', '--out', out], /--parallel must be an integer >= 1, got "0"/],
    ['power --nodes-per-process on docker', () => ['power', '--nodes-per-process', '4', '--runtime', 'docker', '--out', out], /--nodes-per-process is an option of the process runtime/],
    ['matrix --nodes-per-process on docker', () => ['matrix', '--nodes-per-process', '4', '--runtime', 'docker', '--out', out], /--nodes-per-process is an option of the process runtime/],
    ['gate --nodes-per-process on swarm', () => ['gate', '--nodes-per-process', '4', '--runtime', 'swarm', '--out', out], /--nodes-per-process is an option of the process runtime; the swarm runtime runs one service per node/],
    ['power --mutant with an unknown name', () => ['power', '--mutant', 'nope', '--out', out], /--mutant takes a comma-separated list of teardown-on-any-leg-close/],
    ['power without the fixture a mutant names', () => ['power', fixture('close-duplicate-redial'), '--mutant', 'drop-early-subscribe', '--out', out], /mutant drop-early-subscribe names fixture drop-early-subscribe, which is not among the scenarios/]
  ]
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const { code, stderr } = await meshflap(args())
      expect(code, stderr).to.equal(2)
      expect(stderr).to.match(message)
      expect(await readdir(out), 'nothing written').to.deep.equal([])
    })
  }
})
