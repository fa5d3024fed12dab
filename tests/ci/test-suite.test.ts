/**
 * `npm test` runs most files two at a time and the rest one at a time (ci/test-suite.ts). A file
 * that uses the Docker engine must be in the serial phase: engine tests find containers and
 * images by label, so a neighbour's would look like their own leak.
 */
import { expect } from 'chai'
import { globSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { failureSummary, splitSuite, SERIAL_MARKER } from '../../ci/test-suite.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'

const USES_ENGINE = /dockerOrSkip|probeEngine|dockerClient\(|ensureImage\(/

describe('npm test: the parallel and the serial phase', () => {
  const { parallel, serial } = splitSuite(PROJECT_ROOT)

  it('runs every test file exactly once', () => {
    const all = globSync('tests/**/*.test.ts', { cwd: PROJECT_ROOT }).sort()
    expect([...parallel, ...serial].sort()).to.deep.equal(all)
    expect(parallel.filter(f => serial.includes(f))).to.deep.equal([])
    expect(parallel).to.include('tests/ci/test-suite.test.ts')
  })

  it('keeps every file that uses the Docker engine in the serial phase', () => {
    const self = 'tests/ci/test-suite.test.ts' // names the engine calls in its pattern
    const engineFiles = [...parallel, ...serial].filter(f => f !== self && USES_ENGINE.test(readFileSync(join(PROJECT_ROOT, f), 'utf8')))
    expect(engineFiles.length, 'engine test files found').to.be.greaterThan(10)
    expect(engineFiles.filter(f => !serial.includes(f)), 'engine files without `// suite: serial — <why>`').to.deep.equal([])
  })

  it('takes the marker only with a reason', () => {
    expect(SERIAL_MARKER.test('// suite: serial — shares the engine')).to.equal(true)
    expect(SERIAL_MARKER.test('// suite: serial')).to.equal(false)
    expect(SERIAL_MARKER.test(' * // suite: serial — in a comment block')).to.equal(false)
  })

  it('finds the failure summary to print again at the end, or nothing when all passed', () => {
    const passed = '  ok\n\n  12 passing (3s)\n'
    expect(failureSummary(passed)).to.equal('')
    const failing = '  12 passing (3s)\n  1 failing\n\n  1) suite\n       test:\n     AssertionError: no\n'
    expect(failureSummary(failing)).to.equal('  1 failing\n\n  1) suite\n       test:\n     AssertionError: no')
  })
})
