/**
 * Runs the client example suite (fixtures/examples/client-suite.test.ts) the
 * way a client team does: its own mocha process, from a directory outside this
 * repository (so nothing leans on the cwd), JSON reporter to a file.
 *
 *   test process ──spawn──> node mocha.js <abs suite path> --reporter json   (cwd: a temp dir)
 *                               └─ Devnet.start ─> node processes, proxies; runs/ under the temp dir
 *
 * No `--exit`: a handle the devnets leak keeps that mocha alive, and shows as "did not exit".
 */
import { spawn } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'

export const EXAMPLE_SUITE = join(PROJECT_ROOT, 'fixtures', 'examples', 'client-suite.test.ts')
const MOCHA = join(PROJECT_ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js')

/** One test of mocha's JSON report. */
export interface ReportedTest {
  title: string
  fullTitle: string
  duration?: number
  err: { message?: string, stack?: string }
}

export interface ExampleRun {
  /** the temp directory mocha ran in (the devnets' runs/ are under it) */
  cwd: string
  code: number | null
  wallMs: number
  stats: { tests: number, passes: number, failures: number, duration: number }
  tests: ReportedTest[]
  stderr: string
}

export class ExampleRunError extends Error {
  override name = 'ExampleRunError'
}

/** Runs the example suite once; `policy` goes to MESHFLAP_EXAMPLE_POLICY (unset: the scenario's own). */
export async function runExampleSuite (options: { policy?: 'stock' | 'leg-aware', timeoutMs: number, signal?: AbortSignal }): Promise<ExampleRun> {
  const cwd = await mkdtemp(join(tmpdir(), 'meshflap-client-'))
  const output = join(cwd, 'mocha-report.json')
  const env = { ...process.env }
  delete env.MESHFLAP_EXAMPLE_POLICY
  if (options.policy != null) env.MESHFLAP_EXAMPLE_POLICY = options.policy
  const started = Date.now()
  const child = spawn(process.execPath, [MOCHA, EXAMPLE_SUITE, '--timeout', '60000', '--reporter', 'json', '--reporter-option', `output=${output}`],
    { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  child.stdout.resume()
  const code = await new Promise<number | null>((resolve, reject) => {
    const fail = (why: string): void => {
      child.kill('SIGKILL')
      reject(new ExampleRunError(`${why}\nstderr:\n${stderr.slice(-4000)}`))
    }
    const timer = setTimeout(() => { fail(`the example suite did not exit within ${options.timeoutMs} ms (a devnet left a handle open?)`) }, options.timeoutMs)
    options.signal?.addEventListener('abort', () => { clearTimeout(timer); fail('aborted') }, { once: true })
    child.once('exit', c => { clearTimeout(timer); resolve(c) })
  })
  let report: { stats: ExampleRun['stats'], tests: ReportedTest[] }
  try {
    report = JSON.parse(await readFile(output, 'utf8')) as typeof report
  } catch (err) {
    throw new ExampleRunError(`no mocha JSON report (exit code ${code}): ${(err as Error).message}\nstderr:\n${stderr.slice(-4000)}`)
  }
  return { cwd, code, wallMs: Date.now() - started, stats: report.stats, tests: report.tests, stderr }
}

/** Processes whose command line mentions `dir` (a devnet's node configs live under it). */
export function processesMentioning (dir: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
  return out.split('\n').filter(l => l.includes(dir) && !/\sps\s/.test(l))
}
