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
 */
import { spawnSync } from 'node:child_process'
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

function mocha (args: string[]): number {
  const r = spawnSync('mocha', args, { cwd: ROOT, stdio: 'inherit' })
  if (r.signal != null) process.kill(process.pid, r.signal) // Ctrl-C: end as mocha did
  return r.status ?? 1
}

if (process.argv[1] != null && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const jobs = jobsFromEnv(process.env.MESHFLAP_TEST_JOBS)
  const extra = process.argv.slice(2)
  const { parallel, serial } = splitSuite()
  const started = Date.now()
  let failed = false
  if (jobs === 1) {
    failed = mocha([...extra, ...parallel, ...serial]) !== 0
  } else {
    console.log(`[test] ${parallel.length} files, ${jobs} at a time; then ${serial.length} files one at a time (suite: serial)`)
    failed = mocha(['--parallel', '--jobs', String(jobs), ...extra, ...parallel]) !== 0
    console.log(`[test] parallel phase done after ${((Date.now() - started) / 60_000).toFixed(1)} min${failed ? ' (failures above)' : ''}; serial phase:`)
    failed = (mocha([...extra, ...serial]) !== 0) || failed
  }
  console.log(`[test] ${failed ? 'FAILED' : 'passed'} in ${((Date.now() - started) / 60_000).toFixed(1)} min`)
  process.exit(failed ? 1 : 0)
}
