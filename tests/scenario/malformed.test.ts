/**
 * Every file in fixtures/malformed/ is rejected before anything starts, with
 * the file:line, field path, message and expectation its header names:
 *
 *   # expect-line: 11
 *   # expect-path: faults[0].target.bearing-of
 *   # expect-message: unknown node "E"
 *   # expect-expected: one of the nodes A, B, C, D      (optional)
 */
import { expect } from 'chai'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadScenario } from '../../harness/scenario/load-scenario.ts'
import { ScenarioError, formatProblem } from '../../harness/scenario/scenario-error.ts'

const dir = join(import.meta.dirname, '../../fixtures/malformed')
const files = readdirSync(dir).filter(f => f.endsWith('.yaml')).sort()

function header (text: string, key: string): string | undefined {
  const m = new RegExp(`^# expect-${key}: ?(.*)$`, 'm').exec(text)
  return m?.[1]
}

describe('scenario: malformed files', () => {
  it('there are at least 20 of them', () => {
    expect(files.length).to.be.at.least(20)
  })

  for (const name of files) {
    it(`rejects ${name}`, async () => {
      const file = join(dir, name)
      const text = readFileSync(file, 'utf8')
      const line = Number(header(text, 'line'))
      const path = header(text, 'path')
      const message = header(text, 'message')
      const expected = header(text, 'expected')
      expect(line, 'fixture header expect-line').to.be.greaterThan(0)
      expect(path, 'fixture header expect-path').to.be.a('string')
      expect(message, 'fixture header expect-message').to.be.a('string')
      let error: unknown
      try {
        await loadScenario(file)
      } catch (err) {
        error = err
      }
      expect(error, 'loadScenario must throw').to.be.instanceOf(ScenarioError)
      const e = error as ScenarioError
      expect(e.exitCode).to.equal(2)
      const match = e.problems.find(p => p.path === path && p.message.includes(message as string))
      expect(match, `a problem at "${path}" saying "${message}"; got:\n${e.message}`).to.not.equal(undefined)
      if (match === undefined) return
      expect(match.file).to.equal(file)
      expect(match.line, formatProblem(match)).to.equal(line)
      expect(match.col).to.be.greaterThan(0)
      if (expected !== undefined) expect(match.expected ?? '').to.include(expected)
      // the message a user sees names the file and line
      expect(e.message).to.include(`${file}:${line}:`)
    })
  }
})
