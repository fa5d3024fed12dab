/**
 * The text of a failed meshflap assertion: the verdict as the CLI prints it
 * (title, summary, one line per finding), so a test failure and a `meshflap
 * run` failure read the same, plus where the run's history is kept.
 *
 *   reopen-within 1000 ms: failed: 2 finding(s); first: A->B: A's outbound gossip stream ...
 *     - A->B: A's outbound gossip stream ac1/o25 to B on leg A>B closed at +1.712s (slot 1) ...
 *     - A->C: ...
 *     history: runs/client-example-seed7-.../history.ndjson (npx meshflap report <dir> renders it)
 */
import type { Finding, Verdict } from '../oracles/verdict.ts'

/** More findings than this are counted, not listed (the history has them all). */
export const LISTED_FINDINGS = 12

/**
 * A verdict narrowed to the findings an assertion asked about (one direction of
 * delivery-gap): its summary is recounted in verdictOf's words, so the message
 * never names a finding the assertion left out.
 */
export function narrowVerdict (v: Verdict, keep: (f: Finding) => boolean, label: string): Verdict {
  const findings = v.findings.filter(keep)
  const title = `${v.title} (${label})`
  // unknown (environment): the stall explained every finding; none in this direction means it delivered
  if (v.environment !== undefined && findings.length === 0) {
    const { environment: _excused, ...rest } = v
    return { ...rest, title, status: 'pass', findings, summary: `${label}: no finding (${v.findings.length} in other directions, inside an environment stall)` }
  }
  if (v.status !== 'fail') return { ...v, title, findings }
  if (findings.length === 0) return { ...v, title, status: 'pass', findings, summary: `${label}: no finding (${v.findings.length} in other directions)` }
  const first = findings[0]!.message.split('\n')[0] ?? ''
  return { ...v, title, status: 'fail', findings, summary: `${findings.length} finding(s); first: ${first}` }
}

/** The failure message: `title: failed|could not be judged: summary`, the findings, and the history's path. */
export function verdictMessage (v: Verdict, historyPath?: string): string {
  const lines = [`${v.title}: ${v.status === 'unknown' ? 'could not be judged' : 'failed'}: ${v.summary}`]
  for (const f of v.findings.slice(0, LISTED_FINDINGS)) lines.push(`  - ${f.message}`)
  if (v.findings.length > LISTED_FINDINGS) lines.push(`  ... ${v.findings.length - LISTED_FINDINGS} more`)
  if (historyPath != null) lines.push(`  history: ${historyPath} (npx meshflap report <dir> renders it)`)
  return lines.join('\n')
}

/** The message of a negated assertion (`expect(devnet).not.to.holdQuorum()`) that passed after all. */
export function passedMessage (v: Verdict): string {
  return `expected ${v.title} to fail, but it passed: ${v.summary}`
}
