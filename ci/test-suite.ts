/**
 * What `npm test` runs after the type check: every test file under tests/, in two phases.
 *
 * 1. Files without the serial marker run with mocha --parallel, MESHFLAP_TEST_JOBS at a time
 *    (default 2). Most of the suite's wall time is real devnets waiting on slots and staged
 *    latency with the CPU idle (a fresh-clone run: 40 min wall, 26 min of CPU), so two files
 *    at once roughly halve it without starving either.
 * 2. Files carrying the marker line `// suite: serial — <why>` run one at a time afterwards:
 *    those that share the one Docker engine (they list, build and remove containers and images
 *    by label, so a neighbour's run would look like a leak) and those that measure how late the
 *    machine schedules a process (a neighbour's load would be the thing measured).
 *
 * MESHFLAP_TEST_JOBS=1 runs everything in one serial mocha, as before. Arguments after `--`
 * (npm test -- --grep foo) go to both phases. Exit status: non-zero when either phase failed.
 *
 * A failing phase's mocha summary ("N failing" and each failure) is printed again at the very end:
 * a CI log is often read from its tail, and the parallel phase's failures sit 20 minutes above it.
 */
import { spawn } from 'node:child_process'
import { globSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = join(fileURLToPath(import.meta.url), '..', '..')
export const SERIAL_MARKER = /^\/\/ suite: serial — \S/m

/** Every test file, split by the marker; paths relative to the project root, sorted. */
export function splitSuite (root: string = ROOT): { parallel: string[], serial: string[] } {
  const files = globSync('tests/**/*.test.ts', { cwd: root }).sort()
  const serial = files.filter(f => SERIAL_MARKER.test(readFileSync(join(root, f), 'utf8')))
  return { parallel: files.filter(f => !serial.includes(f)), serial }
}

function jobsFromEnv (raw: string | undefined): number {
  if (raw === undefined || raw === '') return 2
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) {
    console.error(`MESHFLAP_TEST_JOBS must be a whole number >= 1, got "${raw}"`)
    process.exit(2)
  }
  return n
}

/** Runs one mocha phase, its output passed through as it comes; resolves to its status and its failure summary. */
function mocha (args: string[]): Promise<{ status: number, failures: string }> {
  return new Promise(resolve => {
    const child = spawn('mocha', args, { cwd: ROOT, stdio: ['inherit', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => { process.stdout.write(chunk); out += chunk.toString() })
    child.on('close', (code, signal) => {
      if (signal != null) process.kill(process.pid, signal) // Ctrl-C: end as mocha did
      resolve({ status: code ?? 1, failures: failureSummary(out) })
    })
  })
}

/** Mocha's closing "N failing" block and everything after it, or '' when nothing failed. */
export function failureSummary (mochaOutput: string): string {
  const at = mochaOutput.search(/^[ \t]*\d+ failing\b/m)
  return at < 0 ? '' : mochaOutput.slice(at).trimEnd()
}

if (process.argv[1] != null && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const jobs = jobsFromEnv(process.env.MESHFLAP_TEST_JOBS)
  const extra = process.argv.slice(2)
  const { parallel, serial } = splitSuite()
  const started = Date.now()
  const phases: Array<{ name: string, status: number, failures: string }> = []
  if (jobs === 1) {
    phases.push({ name: 'all files', ...await mocha([...extra, ...parallel, ...serial]) })
  } else {
    console.log(`[test] ${parallel.length} files, ${jobs} at a time; then ${serial.length} files one at a time (suite: serial)`)
    const first = { name: 'parallel phase', ...await mocha(['--parallel', '--jobs', String(jobs), ...extra, ...parallel]) }
    phases.push(first)
    console.log(`[test] parallel phase done after ${((Date.now() - started) / 60_000).toFixed(1)} min${first.status !== 0 ? ' (failures above)' : ''}; serial phase:`)
    phases.push({ name: 'serial phase', ...await mocha([...extra, ...serial]) })
  }
  const failed = phases.filter(p => p.status !== 0)
  for (const p of failed) {
    console.log(`\n[test] ${p.name} failed (exit ${p.status}); its failures again:\n${p.failures === '' ? '(mocha printed no failure summary: see its output above)' : p.failures}`)
  }
  console.log(`[test] ${failed.length > 0 ? 'FAILED' : 'passed'} in ${((Date.now() - started) / 60_000).toFixed(1)} min`)
  process.exit(failed.length > 0 ? 1 : 0)
}
