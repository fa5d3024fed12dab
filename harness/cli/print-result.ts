/** The verdict table printed after a run, with the report's path and, on failure, the command that reproduces it. */
import type { RunResult } from '../runner/run-scenario.ts'
import { environmentWhat, isEnvironmentUnknown } from '../runner/environment-rerun.ts'

const MARK = { pass: 'PASS', fail: 'FAIL', unknown: '????' } as const

export function printRunResult (out: NodeJS.WritableStream, r: RunResult, dir: string): void {
  const lines: string[] = []
  lines.push(`${MARK[r.status]} ${r.scenario.name} (seed ${r.scenario.seed}, ${(r.wallMs / 1000).toFixed(1)} s${r.endReason !== 'completed' ? `, ${r.endReason}` : ''})`)
  for (const v of r.verdicts) {
    lines.push(`  ${MARK[v.status]} ${v.title}: ${v.summary}`)
    for (const f of v.findings.slice(0, 6)) lines.push(`       - ${f.message}`)
    if (v.findings.length > 6) lines.push(`       ... ${v.findings.length - 6} more in results.json`)
  }
  if (isEnvironmentUnknown(r)) lines.push(`  unknown (environment: ${environmentWhat(r)}): the machine stalled, not the code; run, gate, matrix and the e2e tests rerun such a run once`)
  lines.push(`  report: ${dir}/report.html`)
  if (r.status !== 'pass') lines.push(`  reproduce: ${r.reproduce}`)
  out.write(lines.join('\n') + '\n')
}
