/**
 * How an oracle's observations become a Verdict: any finding (or an unhealthy
 * node) fails it; otherwise anything it could not judge makes it unknown;
 * otherwise it passes. Never a silent pass: an oracle with nothing to judge
 * says so through `unknown`.
 */
import { expectationTitle, type Expectation } from './expectation.ts'
import type { Finding, Verdict } from './verdict.ts'

/** More findings than this are summarised in one last finding. */
export const MAX_FINDINGS = 60

export interface VerdictParts {
  findings: Finding[]
  /** from healthFindings: nodes that never became ready or exited unexpectedly */
  health: Finding[]
  /** why (part of) the history could not be judged */
  unknown: string[]
  /** what was checked, for a pass: "4 fault windows, 0 stream closes on legs that were not faulted" */
  checked: string
  evidence?: Record<string, unknown>
}

export function verdictOf (e: Expectation, p: VerdictParts): Verdict {
  const all = [...p.health, ...p.findings]
  const findings = all.length > MAX_FINDINGS
    ? [...all.slice(0, MAX_FINDINGS - 1), { message: `... and ${all.length - MAX_FINDINGS + 1} more finding(s) like these (see evidence)` }]
    : all
  const base = { expectation: e.kind, title: expectationTitle(e), findings, ...(p.evidence !== undefined ? { evidence: p.evidence } : {}) }
  if (all.length > 0) {
    const first = (all[0] as Finding).message.split('\n')[0] ?? ''
    return { ...base, status: 'fail', summary: `${all.length} finding(s); first: ${first}` }
  }
  if (p.unknown.length > 0) return { ...base, status: 'unknown', summary: `cannot judge: ${p.unknown.join('; ')}` }
  return { ...base, status: 'pass', summary: p.checked }
}
