/**
 * The matrix as one JUnit file: a testcase per cell. A new failure or an
 * unexpected pass is a <failure>; a known failure that failed is <skipped>
 * with its reason (CI shows it, but it does not fail the build), so the file
 * says exactly what the exit code says.
 */
import { create } from 'xmlbuilder2'
import { xmlText } from '../report/junit.ts'
import type { MatrixCellResult } from './run-matrix.ts'

export function renderMatrixJunit (cells: readonly MatrixCellResult[], name = 'meshflap matrix'): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' })
  const failures = cells.filter(c => c.class === 'new-failure' || c.class === 'unexpected-pass').length
  const skipped = cells.filter(c => c.class === 'known-failure' || c.class === 'flaky-known' || c.class === 'environment' || c.class === 'not-applicable').length
  const time = cells.reduce((t, c) => t + c.wallMs, 0) / 1000
  const suite = doc.ele('testsuites', { name }).ele('testsuite', { name, tests: cells.length, failures, errors: 0, skipped, time: time.toFixed(3) })
  for (const c of cells) {
    const tc = suite.ele('testcase', { classname: c.scenario, name: `${c.impls.join('>')} ${c.transport} seed ${c.seed}`, time: (c.wallMs / 1000).toFixed(3) })
    if (c.class === 'new-failure') {
      tc.ele('failure', { message: xmlText(`new failure: ${c.summary}`), type: 'new-failure' }).txt(xmlText(`${c.summary}\nreport: ${c.dir}/report.html\nreproduce: ${c.reproduce}`))
    } else if (c.class === 'unexpected-pass') {
      tc.ele('failure', { message: xmlText(`unexpected pass: listed in known-failures (${c.knownReason ?? ''}) but every verdict passed`), type: 'unexpected-pass' })
    } else if (c.class === 'not-applicable') {
      tc.ele('skipped', { message: xmlText(`not applicable: ${c.summary}`) })
    } else if (c.class === 'environment') {
      tc.ele('skipped', { message: xmlText(`not judged: ${c.summary}`) })
    } else if (c.class === 'known-failure' || c.class === 'flaky-known') {
      tc.ele('skipped', { message: xmlText(`${c.class === 'known-failure' ? 'known failure' : 'known flaky'} (${c.status}): ${c.knownReason ?? ''}`) })
    }
  }
  return doc.end({ prettyPrint: true })
}
