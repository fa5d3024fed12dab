/**
 * `junit.xml`: one <testsuite> per run (named by scenario, seed, runtime and
 * variant), one <testcase> per expectation.
 *
 *   <testsuites name="meshflap" tests failures errors time>
 *     <testsuite name="pr278 seed=42 runtime=process impl=ts×ts transport=quic policy=stock" ...>
 *       <properties> runId, seed, runtime, versions.* </properties>
 *       <testcase classname="<suite name>" name="delivery-gap <= 1000 ms">
 *         <failure message="<summary>" type="delivery-gap"> findings, one per line </failure>   (fail)
 *         <error   message="<summary>" type="unknown">     ...                                (unknown)
 *
 * A run that did not complete (interrupted, node-failed, set-up failure, no
 * run_end) or produced no verdict gets one extra `run` testcase with an <error>,
 * so CI never shows a cut-short or empty suite as green.
 *
 * Written with xmlbuilder2 rather than junit-report-builder: the latter keeps a
 * process-wide default builder and writes files itself, while we need a pure
 * string, several suites per document (matrix/gate) and merging of existing
 * files; xmlbuilder2 escapes markup. It does NOT drop characters XML 1.0
 * forbids (control bytes in a node's error message), so `xmlText` does.
 */
import { create } from 'xmlbuilder2'
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js'
import type { History } from '../history/types.ts'
import type { Verdict } from '../oracles/verdict.ts'
import { formatFinding, runLabel } from './run-label.ts'
import { runResults } from './results-json.ts'

/** One run to render into a junit document. */
export interface JunitRun {
  history: History
  verdicts: readonly Verdict[]
  versions?: Record<string, string>
}

/** A junit.xml given to `mergeJunitXml` has no testsuite/testsuites root. */
export class JunitMergeError extends Error {
  override name = 'JunitMergeError'
}

/** Evidence beyond this many characters is cut in <system-out> (the full evidence is in results.json). */
const MAX_EVIDENCE_CHARS = 64_000

/**
 * Text safe for XML 1.0: characters XML forbids (C0 controls other than tab/LF/CR,
 * lone surrogates, U+FFFE/U+FFFF) become a visible `\uXXXX` so nothing is lost silently.
 */
export function xmlText (s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Attribute values: one line (parsers would fold newlines to spaces anyway). */
function xmlAttr (s: string): string {
  return xmlText(s.replace(/\r?\n/g, ' '))
}

function seconds (ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3)
}

/** Renders several runs into one junit document (one testsuite each). */
export function renderJunit (runs: readonly JunitRun[]): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' })
  const root = doc.ele('testsuites', { name: 'meshflap' })
  const totals = { tests: 0, failures: 0, errors: 0, timeMs: 0 }
  for (const run of runs) {
    const t = addSuite(root, run)
    totals.tests += t.tests
    totals.failures += t.failures
    totals.errors += t.errors
    totals.timeMs += t.timeMs
  }
  root.att({ tests: String(totals.tests), failures: String(totals.failures), errors: String(totals.errors), time: seconds(totals.timeMs) })
  return doc.end({ prettyPrint: true }) + '\n'
}

/** junit.xml of a single run. */
export function renderRunJunit (history: History, verdicts: readonly Verdict[], versions?: Record<string, string>): string {
  return renderJunit([{ history, verdicts, ...(versions !== undefined ? { versions } : {}) }])
}

function addSuite (root: XMLBuilder, run: JunitRun): { tests: number, failures: number, errors: number, timeMs: number } {
  const results = runResults(run.history, run.verdicts, run.versions !== undefined ? { versions: run.versions } : {})
  const start = run.history.find(e => e.kind === 'run_start')
  const genesisMs = start?.kind === 'run_start' ? start.genesisMs : 0
  const name = start?.kind === 'run_start' ? runLabel(start) : results.scenario
  const incomplete = results.endReason !== 'completed' || run.verdicts.length === 0
  const tests = run.verdicts.length + (incomplete ? 1 : 0)
  const failures = results.counts.fail
  const errors = results.counts.unknown + (incomplete ? 1 : 0)
  const suite = root.ele('testsuite', {
    name: xmlAttr(name),
    id: xmlAttr(results.runId),
    tests: String(tests),
    failures: String(failures),
    errors: String(errors),
    skipped: '0',
    time: seconds(results.wallTimeMs),
    timestamp: results.startedAt.replace(/Z$/, '')
  })
  const props = suite.ele('properties')
  const prop = (k: string, v: string | number): void => { props.ele('property', { name: xmlAttr(k), value: xmlAttr(String(v)) }) }
  prop('runId', results.runId)
  prop('scenario', results.scenario)
  prop('seed', results.seed)
  prop('runtime', results.runtime)
  prop('impl', results.variant.implPair)
  prop('transport', results.variant.transport)
  prop('policy', results.variant.policy)
  prop('endReason', results.endReason)
  for (const [k, v] of Object.entries(results.versions)) prop(`version.${k}`, v)

  for (const v of run.verdicts) {
    const tc = suite.ele('testcase', { classname: xmlAttr(name), name: xmlAttr(v.title), time: '0' })
    if (v.status !== 'pass') {
      const body = [v.summary, ...v.findings.map(f => `- ${formatFinding(f, genesisMs)}`)].join('\n')
      tc.ele(v.status === 'fail' ? 'failure' : 'error', { message: xmlAttr(v.summary), type: xmlAttr(v.status === 'fail' ? v.expectation : 'unknown') })
        .txt(xmlText(body))
    }
    if (v.evidence !== undefined) {
      let text = JSON.stringify(v.evidence, null, 1)
      if (text.length > MAX_EVIDENCE_CHARS) text = text.slice(0, MAX_EVIDENCE_CHARS) + '\n... (cut; full evidence in results.json)'
      tc.ele('system-out').txt(xmlText(text))
    }
  }
  if (incomplete) {
    const why = run.verdicts.length === 0 ? 'no verdict was produced' : `run ended: ${results.endReason}`
    const detail = results.endDetail !== undefined ? `${why} (${results.endDetail})` : why
    suite.ele('testcase', { classname: xmlAttr(name), name: 'run', time: seconds(results.wallTimeMs) })
      .ele('error', { message: xmlAttr(detail), type: 'run-incomplete' }).txt(xmlText(detail))
  }
  return { tests, failures, errors, timeMs: results.wallTimeMs }
}

/**
 * Merges already written junit.xml documents (e.g. from several run dirs) into one
 * <testsuites>, keeping every testsuite as it was and recomputing the totals.
 */
export function mergeJunitXml (documents: readonly string[]): string {
  const out = create({ version: '1.0', encoding: 'UTF-8' })
  const root = out.ele('testsuites', { name: 'meshflap' })
  const totals = { tests: 0, failures: 0, errors: 0, time: 0 }
  documents.forEach((xml, i) => {
    const docRoot = create(xml).root()
    const rootName = docRoot.node.nodeName
    const suites = rootName === 'testsuite'
      ? [docRoot]
      : rootName === 'testsuites'
        ? docRoot.filter(n => n.node.nodeName === 'testsuite')
        : undefined
    if (suites === undefined) throw new JunitMergeError(`document ${i}: root element is <${rootName}>, expected <testsuites> or <testsuite>`)
    for (const s of suites) {
      const el = s.node as unknown as { getAttribute: (n: string) => string | null }
      totals.tests += Number(el.getAttribute('tests') ?? 0)
      totals.failures += Number(el.getAttribute('failures') ?? 0)
      totals.errors += Number(el.getAttribute('errors') ?? 0)
      totals.time += Number(el.getAttribute('time') ?? 0)
      root.import(s)
    }
  })
  root.att({ tests: String(totals.tests), failures: String(totals.failures), errors: String(totals.errors), time: totals.time.toFixed(3) })
  return out.end({ prettyPrint: true }) + '\n'
}
