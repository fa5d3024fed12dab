/**
 * One table of what each fault action needs (harness/faults/action-rules.ts): the scenario loader,
 * the re-check after command-line overrides and the fault plane all apply it, and the JSON Schema
 * repeats its bounds for editors.
 */
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ACTION_RULES, NODE_AND_PAIR_ACTIONS_TAKE_DURATION, toxiproxyRate } from '../../harness/faults/action-rules.ts'
import { checkAction } from '../../harness/devnet/apply-fault.ts'
import { UnsupportedFaultError } from '../../harness/faults/leg.ts'
import { parseScenario } from '../../harness/scenario/load-scenario.ts'
import { applyOverrides } from '../../harness/runner/overrides.ts'
import { recheckScenario } from '../../harness/scenario/recheck-scenario.ts'
import { formatProblem, ScenarioError } from '../../harness/scenario/scenario-error.ts'
import { composeSchema, scenarioSchema } from '../../harness/scenario/schema-issues.ts'
import { FAULT_ACTIONS } from '../../harness/faults/actions/index.ts'
import type { FaultActionKind } from '../../harness/scenario/types.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'
import { runScenario } from '../../harness/runner/run-scenario.ts'

type Json = Record<string, unknown>
const at = (root: unknown, ...path: string[]): unknown => path.reduce<unknown>((node, key) => (node as Json | undefined)?.[key], root)

const LOSS = (transport: string, extra = ''): string => `
name: loss-on-quic
description: a lossy QUIC leg, written for QUIC and valid as written
nodes: { count: 2 }
transport: ${transport}
slots: 4
faults:
  - slot: 1
    action: { loss: { probability: 0.3 } }
    target: { pair: [A, B], random: true }
${extra}expectations: [streams-survive]
`

describe('fault actions: one table for validation and the fault plane', () => {
  it('the shipped schema file is what the action files give (node harness/scenario/write-schema.ts writes it)', async () => {
    const shipped = JSON.parse(await readFile(join(PROJECT_ROOT, 'harness/scenario/scenario.schema.json'), 'utf8')) as Json
    expect(composeSchema(shipped), 'run: node harness/scenario/write-schema.ts').to.deep.equal(shipped)
    // every action, whatever it acts on, has help for editors
    for (const a of FAULT_ACTIONS) expect(a.schema.description, a.kind).to.be.a('string').and.not.equal('')
  })

  it('every listed action has its own file under harness/faults/actions/ and one line in the list', async () => {
    const files = (await readdir(join(PROJECT_ROOT, 'harness/faults/actions'))).filter(f => f !== 'index.ts' && f !== 'action.ts').map(f => f.replace(/\.ts$/, '')).sort()
    expect(files).to.deep.equal(FAULT_ACTIONS.map(a => a.kind).sort())
  })

  it('the JSON Schema repeats the table: every parameter bound, and which actions take parameters', () => {
    const actions = at(scenarioSchema, 'definitions', 'action', 'else', 'properties') as Json
    // leg actions from the table, node and pair actions (no numeric parameters) from their own list
    expect(Object.keys(actions).sort()).to.deep.equal([...Object.keys(ACTION_RULES), ...Object.keys(NODE_AND_PAIR_ACTIONS_TAKE_DURATION)].sort())
    for (const [kind, rule] of Object.entries(ACTION_RULES)) {
      for (const p of rule.params) {
        const prop = at(actions, kind, 'properties', p.fileKey) as Json | undefined
        expect(prop, `${kind}.${p.fileKey}`).to.not.equal(undefined)
        expect([prop?.type, prop?.minimum, prop?.maximum], `${kind}.${p.fileKey}`).to.deep.equal([p.integer ? 'integer' : 'number', p.min, p.max])
      }
    }
  })

  it('bandwidth below 8 kbit/s is rejected when the file is loaded, with file:line and why', () => {
    const text = LOSS('tcp').replace('{ loss: { probability: 0.3 } }', '{ bandwidth: { kbps: 5 } }')
    try {
      parseScenario(text, 'slow.yaml')
      expect.fail('kbps 5 validated')
    } catch (err) {
      if (!(err instanceof ScenarioError)) throw err
      expect(err.message).to.match(/^invalid scenario: slow\.yaml:9:\d+: faults\[0\]\.action\.bandwidth\.kbps: 5 is out of range \(expected a number >= 8 \(kilobits per second.*whole KB\/s/)
    }
    expect(toxiproxyRate(8)).to.equal(1)
  })

  it('the fault plane refuses what the table refuses before any engine call (a library caller meets the same rules)', () => {
    const tcp = { name: 'A>B' as const, transport: 'tcp' as const }
    const quic = { name: 'A>B' as const, transport: 'quic' as const }
    expect(() => { checkAction(tcp, { kind: 'bandwidth', kbps: 7, direction: 'both' }) }).to.throw(RangeError, /bandwidth kbps 7 is out of range.*whole KB\/s/)
    expect(() => { checkAction(tcp, { kind: 'loss', probability: 0.2, direction: 'both' }) }).to.throw(UnsupportedFaultError, /loss is not supported on a tcp leg: TCP retransmits/)
    expect(() => { checkAction(quic, { kind: 'loss', probability: 1.5, direction: 'both' }) }).to.throw(RangeError, /in 0\.\.1/)
    expect(() => { checkAction(quic, { kind: 'flap', times: 0, downMs: 100, upMs: 100 }) }).to.throw(RangeError, /flap times 0 is out of range/)
    expect(() => { checkAction(quic, { kind: 'rebind' }) }).to.not.throw()
    expect(() => { checkAction(tcp, { kind: 'latency', ms: 40, jitterMs: 10, direction: 'both', reorder: true }) }).to.throw(UnsupportedFaultError, /latency as written is not supported on a tcp leg: TCP delivers its bytes in order/)
    expect(() => { checkAction(quic, { kind: 'latency', ms: 40, jitterMs: 10, direction: 'both', reorder: true }) }).to.not.throw()
    expect(() => { checkAction(tcp, { kind: 'latency', ms: 40, jitterMs: 10, direction: 'both', reorder: false }) }).to.not.throw()
    expect(() => { checkAction(tcp, { kind: 'bandwidth', kbps: 8, direction: 'both' }) }).to.not.throw()
    for (const kind of Object.keys(ACTION_RULES) as FaultActionKind[]) {
      expect(ACTION_RULES[kind].transports.length, kind).to.be.greaterThan(0)
    }
  })

  it('re-checks after overrides: --transport tcp on a loss scenario names the file, the fault and the flag', () => {
    const s = parseScenario(LOSS('quic'), 'lossy.yaml')
    expect(recheckScenario(s, { runtime: 'process', because: '' })).to.deep.equal([])
    const problems = recheckScenario(applyOverrides(s, { transport: 'tcp' }), { runtime: 'process', because: '--transport tcp' })
    expect(problems.map(formatProblem)).to.deep.equal([
      'lossy.yaml:8: faults[0].action: loss works on QUIC legs only (TCP retransmits lost segments; use latency, bandwidth or blackhole), ' +
      'and this target can hit other legs (A>B is tcp, B>A is tcp) (after --transport tcp) (expected a target whose legs are all quic)'
    ])
    const external = recheckScenario(applyOverrides(s, { impls: ['external', 'ts'] }), { runtime: 'process', because: '--impl external,ts' })
    expect(external.map(formatProblem)).to.deep.equal(['lossy.yaml: nodes[0]: node A has impl external (after --impl external,ts) but nothing to run (expected --external-command <argv...> (the process runtime runs a command))'])
  })

  it('latency with reorder is a QUIC fault: refused on TCP legs, after --transport tcp too, naming why', () => {
    const text = LOSS('quic').replace('{ loss: { probability: 0.3 } }', '{ latency: { ms: 40, jitter: 10, reorder: true } }')
    const s = parseScenario(text, 'jittery.yaml')
    expect(recheckScenario(s, { runtime: 'process', because: '' })).to.deep.equal([])
    const problems = recheckScenario(applyOverrides(s, { transport: 'tcp' }), { runtime: 'process', because: '--transport tcp' })
    expect(problems.map(formatProblem)).to.deep.equal([
      'jittery.yaml:8: faults[0].action: latency as written works on QUIC legs only (TCP delivers its bytes in order whatever the delay; reorder is a fault of datagrams (QUIC legs)), ' +
      'and this target can hit other legs (A>B is tcp, B>A is tcp) (after --transport tcp) (expected a target whose legs are all quic)'
    ])
    const noReorder = parseScenario(text.replace(', reorder: true', ''), 'jittery.yaml')
    expect(recheckScenario(applyOverrides(noReorder, { transport: 'tcp' }), { runtime: 'process', because: '--transport tcp' })).to.deep.equal([])
  })

  it('runScenario refuses an overridden scenario the table rejects, before anything starts', async () => {
    const out = await mkdtemp(join(tmpdir(), 'meshflap-recheck-'))
    const s = parseScenario(LOSS('quic'), 'lossy.yaml')
    const err = await runScenario(s, { outDir: out, overrides: { transport: 'tcp' }, versions: {} }).then(() => undefined, (e: unknown) => e)
    expect(err).to.be.instanceOf(ScenarioError)
    expect(await readdir(out)).to.deep.equal([])
  })

  it('meshflap run --transport tcp on a scenario with loss: exit 2, the file and fault named, nothing started', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshflap-recheck-'))
    await writeFile(join(dir, 'lossy.yaml'), LOSS('quic'))
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'harness', 'cli', 'bin.js'), 'run', 'lossy.yaml', '--transport', 'tcp', '--out', 'runs'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    const code = await new Promise<number | null>(resolve => { child.on('exit', c => { resolve(c) }) })
    expect(code, stderr).to.equal(2)
    expect(stderr).to.include('lossy.yaml:8: faults[0].action: loss works on QUIC legs only')
    expect(stderr).to.include('(after --transport tcp)')
    expect(await readdir(dir)).to.deep.equal(['lossy.yaml'])
  })
})
