/** The conformance report card: a text card for a person, JUnit for CI (one testcase per check). */
import { create } from 'xmlbuilder2'
import type { CheckResult, CheckStatus } from './check-result.ts'

const MARK: Record<CheckStatus, string> = { pass: 'pass', fail: 'FAIL', 'not-reported': 'not reported', 'not-run': 'not run' }

/** no check failed and at least one passed (not reported and not run are shown, not failures: a not-run row follows a failure or names why) */
export function conformPassed (results: CheckResult[]): boolean {
  return results.some(r => r.status === 'pass') && results.every(r => r.status !== 'fail')
}

export function reportCard (subject: string, results: CheckResult[]): string {
  const width = Math.max(...results.map(r => MARK[r.status].length))
  const lines = results.map(r => `  ${MARK[r.status].padEnd(width)}  ${r.title}\n  ${' '.repeat(width)}    ${r.evidence}`)
  const count = (s: CheckStatus): number => results.filter(r => r.status === s).length
  const verdict = conformPassed(results) ? 'CONFORMS' : 'DOES NOT CONFORM'
  return [`meshflap conform: ${subject}`, ...lines,
    `${verdict}: ${count('pass')} pass, ${count('fail')} fail, ${count('not-reported')} not reported, ${count('not-run')} not run`].join('\n') + '\n'
}

export function conformJunit (subject: string, results: CheckResult[]): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' })
  const suite = doc.ele('testsuites').ele('testsuite', {
    name: `meshflap conform: ${subject}`,
    tests: results.length,
    failures: results.filter(r => r.status === 'fail').length,
    skipped: results.filter(r => r.status === 'not-reported' || r.status === 'not-run').length
  })
  for (const r of results) {
    const tc = suite.ele('testcase', { classname: 'meshflap.conform', name: `${r.id}: ${r.title}` })
    if (r.status === 'fail') tc.ele('failure', { message: r.evidence }).txt(r.evidence)
    else if (r.status !== 'pass') tc.ele('skipped', { message: `${MARK[r.status]}: ${r.evidence}` })
    tc.ele('system-out').txt(r.evidence)
  }
  return doc.end({ prettyPrint: true })
}
