/**
 * power.xml as JUnit: one testcase per (variant, fixture). Only the cells the
 * exit rule judges can fail (a mutant's own fixture, the correct node's row);
 * the others pass and say what they saw, so the file says what the exit code says.
 */
import { create } from 'xmlbuilder2'
import { xmlText } from '../report/junit.ts'
import { cellText } from './power-table.ts'
import type { PowerEntry, PowerProblem } from './power-table.ts'

export function renderPowerJunit (entries: readonly PowerEntry[], problems: readonly PowerProblem[], name = 'meshflap power'): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' })
  const suite = doc.ele('testsuites', { name }).ele('testsuite', { name, tests: entries.length, failures: problems.length, errors: 0, skipped: 0 })
  for (const e of entries) {
    const tc = suite.ele('testcase', { classname: e.fixture, name: `${e.variant}${e.own ? ' (own fixture)' : ''}` })
    const problem = problems.find(p => p.variant === e.variant && p.fixture === e.fixture)
    if (problem !== undefined) {
      tc.ele('failure', { message: xmlText(problem.message), type: e.kind === 'correct' ? 'correct-node-failed' : 'mutant-escaped' })
        .txt(xmlText(`${cellText(e)}${e.escapingRun !== undefined ? `\nrun: ${e.escapingRun}/report.html` : ''}${e.failingRun !== undefined && e.kind === 'correct' ? `\nrun: ${e.failingRun}/report.html` : ''}`))
    } else {
      tc.ele('system-out').txt(xmlText(cellText(e)))
    }
  }
  return doc.end({ prettyPrint: true })
}
