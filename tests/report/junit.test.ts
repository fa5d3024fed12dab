import { expect } from 'chai'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import type { History } from '../../harness/history/types.ts'
import { JunitMergeError, mergeJunitXml, renderJunit, renderRunJunit, xmlText } from '../../harness/report/junit.ts'
import { loadFixtures, type Fixtures } from './load-fixtures.ts'
import { FAIL_VERDICTS, HOSTILE_ERROR, HOSTILE_VERDICTS, PASS_VERDICTS } from './samples.ts'

/** An independent parser (not the writer's library) reads what we wrote. */
function parse (xml: string): { testsuites: { testsuite: Suite[], '@_tests': string, '@_failures': string, '@_errors': string } } {
  const valid = XMLValidator.validate(xml)
  if (valid !== true) throw new Error(`invalid XML: ${JSON.stringify(valid.err)}`)
  const parser = new XMLParser({ ignoreAttributes: false, isArray: name => ['testsuite', 'testcase', 'property'].includes(name), textNodeName: '#text' })
  return parser.parse(xml)
}

interface Case { '@_name': string, '@_classname': string, failure?: Fault, error?: Fault, 'system-out'?: string }
interface Fault { '@_message': string, '@_type': string, '#text': string }
interface Suite { '@_name': string, '@_tests': string, '@_failures': string, '@_errors': string, '@_time': string, testcase: Case[], properties: { property: Array<{ '@_name': string, '@_value': string }> } }

describe('report: junit.xml', () => {
  let fx: Fixtures
  before(async () => { fx = await loadFixtures() })

  it('has one testsuite named by scenario, seed and runtime, and one testcase per expectation', () => {
    const doc = parse(renderRunJunit(fx.fail, FAIL_VERDICTS, { meshflap: '0.1.0' }))
    expect(doc.testsuites.testsuite).to.have.length(1)
    const suite = doc.testsuites.testsuite[0] as Suite
    expect(suite['@_name']).to.equal('bearing-leg-down seed=7 runtime=process impl=ts×ts transport=quic policy=stock')
    expect(suite.testcase.map(c => c['@_name'])).to.deep.equal(FAIL_VERDICTS.map(v => v.title))
    expect(suite['@_tests']).to.equal('4')
    expect(suite['@_failures']).to.equal('2')
    expect(suite['@_errors']).to.equal('1')
    const props = Object.fromEntries(suite.properties.property.map(p => [p['@_name'], p['@_value']]))
    expect(props).to.include({ runId: 'run-bearing-stock-s7', seed: '7', runtime: 'process', 'version.meshflap': '0.1.0' })
  })

  it('turns a failed verdict into <failure> with the summary as message and the findings as body, unknown into <error>, pass into neither', () => {
    const suite = parse(renderRunJunit(fx.fail, FAIL_VERDICTS)).testsuites.testsuite[0] as Suite
    const [reopen, coverage, survive, decay] = suite.testcase as [Case, Case, Case, Case]
    expect(reopen.failure?.['@_message']).to.equal(FAIL_VERDICTS[0]?.summary)
    expect(reopen.failure?.['@_type']).to.equal('reopen-within')
    expect(reopen.failure?.['#text']).to.contain('A->D outbound gossip stream closed with leg A>D and was not reopened on D>A [direction A->D, leg A>D, stream c0ffee/o3, node A, +2.215s..+5.320s]')
    expect(reopen.failure?.['#text']).to.contain('B->D outbound gossip stream closed')
    expect(coverage.failure?.['#text']).to.contain('slot 5')
    expect(survive).to.not.have.property('failure')
    expect(survive).to.not.have.property('error')
    expect(decay.error?.['@_type']).to.equal('unknown')
    expect(decay).to.not.have.property('failure')
    expect(PASS_VERDICTS.every(v => v.status === 'pass')).to.equal(true)
    const passing = parse(renderRunJunit(fx.pass, PASS_VERDICTS)).testsuites.testsuite[0] as Suite
    expect(passing['@_failures']).to.equal('0')
    expect(passing.testcase.some(c => c.failure !== undefined || c.error !== undefined)).to.equal(false)
    expect(passing.testcase[2]?.['system-out']).to.contain('coverage=32/32')
  })

  it('stays well-formed with markup and control characters in names and messages', () => {
    const xml = renderRunJunit(fx.hostile, HOSTILE_VERDICTS)
    const suite = parse(xml).testsuites.testsuite[0] as Suite
    // 1 verdict + the extra "run" case: the run ended node-failed
    expect(suite.testcase.map(c => c['@_name'])).to.deep.equal(['node C alive <script>', 'run'])
    const decoded = new XMLParser({ ignoreAttributes: false, processEntities: true, htmlEntities: false })
    expect(JSON.stringify(decoded.parse(xml))).to.contain('alert(\\"pwned\\")')
    expect(xml).to.not.contain('<script>')
    expect(xml).to.not.contain('\u0007')
    expect(xml).to.contain('bell \\u0007')
    expect(suite.testcase[1]?.error?.['@_message']).to.equal('run ended: node-failed')
    expect(HOSTILE_ERROR.length).to.be.greaterThan(0)
  })

  it('adds an erroring "run" testcase when a run produced no verdict, so CI cannot show it green', () => {
    const interrupted: History = fx.pass.map(e => e.kind === 'run_end' ? { ...e, reason: 'interrupted' as const, detail: 'SIGINT' } : e)
    const suite = parse(renderRunJunit(interrupted, [])).testsuites.testsuite[0] as Suite
    expect(suite['@_tests']).to.equal('1')
    expect(suite['@_errors']).to.equal('1')
    expect(suite.testcase[0]?.error?.['@_message']).to.equal('no verdict was produced (SIGINT)')
  })

  it('merges several runs (matrix/gate) into one document with summed totals', () => {
    const runs = [
      { history: fx.pass, verdicts: PASS_VERDICTS },
      { history: fx.fail, verdicts: FAIL_VERDICTS },
      { history: fx.hostile, verdicts: HOSTILE_VERDICTS }
    ]
    const merged = parse(renderJunit(runs)).testsuites
    expect(merged.testsuite).to.have.length(3)
    expect(merged['@_tests']).to.equal(String(3 + 4 + 2))
    expect(merged['@_failures']).to.equal(String(0 + 2 + 1))
    expect(merged['@_errors']).to.equal(String(0 + 1 + 1))
    // merging the separately written files gives the same suites and totals
    const fromFiles = mergeJunitXml(runs.map(r => renderRunJunit(r.history, r.verdicts)))
    const again = parse(fromFiles).testsuites
    expect(again.testsuite.map(s => s['@_name'])).to.deep.equal(merged.testsuite.map(s => s['@_name']))
    expect([again['@_tests'], again['@_failures'], again['@_errors']]).to.deep.equal([merged['@_tests'], merged['@_failures'], merged['@_errors']])
    expect(again.testsuite[1]?.testcase[0]?.failure?.['#text']).to.equal(merged.testsuite[1]?.testcase[0]?.failure?.['#text'])
    expect(() => mergeJunitXml(['<?xml version="1.0"?><html/>'])).to.throw(JunitMergeError, /<html>/)
  })

  it('xmlText keeps legal text and makes forbidden characters visible', () => {
    expect(xmlText('a\tb\nc\rd é 🦀')).to.equal('a\tb\nc\rd é 🦀')
    expect(xmlText('x\u0000y\u001Fz\uFFFE')).to.equal('x\\u0000y\\u001fz\\ufffe')
    expect(xmlText('lone \uD800 surrogate')).to.equal('lone \\ud800 surrogate')
  })
})
