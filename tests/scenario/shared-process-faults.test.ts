/**
 * Under `--nodes-per-process` above 1, node faults that signal the node's process (kill:
 * SIGKILL, pause: SIGSTOP, resume: SIGCONT) are refused before anything starts, naming the
 * file, the fault and why; restart, leg faults, and node faults on nodes that run alone are not.
 */
import { expect } from 'chai'
import { join } from 'node:path'
import { loadScenario, parseScenario } from '../../harness/scenario/load-scenario.ts'
import { recheckScenario } from '../../harness/scenario/recheck-scenario.ts'
import { formatProblem } from '../../harness/scenario/scenario-error.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'
import { runScenario } from '../../harness/runner/run-scenario.ts'
import { ScenarioError } from '../../harness/scenario/scenario-error.ts'

const fixture = async (name: string): ReturnType<typeof loadScenario> => await loadScenario(join(PROJECT_ROOT, 'fixtures', 'scenarios', `${name}.yaml`))
const refused = (s: Awaited<ReturnType<typeof loadScenario>>, n: number): string[] =>
  recheckScenario(s, { runtime: 'process', nodesPerProcess: n, because: '' }).map(formatProblem)

describe('node faults with several nodes per process', () => {
  it('kill: refused with the file, line, fault and why', async () => {
    const [problem, ...rest] = refused(await fixture('kill-node'), 2)
    expect(rest).to.deep.equal([])
    expect(problem).to.match(/fixtures\/scenarios\/kill-node\.yaml:\d+: faults\[0\]\.action: kill sends SIGKILL to the node's process, but with --nodes-per-process 2 node C \(ts\) shares a process with other nodes, and the signal would reach them all \(expected one process per node: --nodes-per-process 1\)/)
  })

  it('pause (and the resume ending it): refused', async () => {
    const problems = refused(await fixture('pause-node'), 4)
    expect(problems).to.have.length.greaterThan(0)
    expect(problems.join('\n')).to.include('pause sends SIGSTOP')
  })

  it('one process per node, restart, leg faults: nothing refused', async () => {
    expect(refused(await fixture('kill-node'), 1)).to.deep.equal([])
    expect(refused(await fixture('restart-node'), 4)).to.deep.equal([])
    expect(refused(await fixture('pr278-non-bearing-leg-flap'), 4)).to.deep.equal([])
  })

  it('a kill of a node whose implementation runs alone (go) is not refused; a random node may be a TS node', () => {
    const s = (target: string): ReturnType<typeof parseScenario> => parseScenario(`name: t
description: a kill in a mixed devnet
nodes:
  - { name: A, impl: ts }
  - { name: B, impl: go, gossipPolicy: stock }
  - { name: C, impl: ts, aggregator: true }
faults:
  - { slot: 1, action: kill, target: ${target} }
expectations: [coverage]
`, 'mixed.yaml')
    expect(refused(s('{ node: B }'), 2)).to.deep.equal([])
    expect(refused(s('{ node: { random: 1 } }'), 2).join('\n')).to.include('nodes A (ts), C (ts) share a process')
  })

  it('runScenario refuses it before any node starts', async () => {
    const error = await runScenario(await fixture('kill-node'), { nodesPerProcess: 2, outDir: '/nonexistent/never-created' }).then(() => undefined, (err: unknown) => err)
    expect(error).to.be.instanceOf(ScenarioError)
    expect((error as Error).message).to.include('kill sends SIGKILL')
  })
})
