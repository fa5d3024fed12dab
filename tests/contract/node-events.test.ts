/**
 * The contract's one event parser (harness/contract/node-events.ts): every
 * event type of CONTRACT.md section 6 passes, a malformed line is rejected with
 * the node's name and line number, and the shipped histories are all events.
 */
import { expect } from 'chai'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { NODE_EVENT_TYPES, NodeEventError, nodeEventProblem, parseNodeEvent } from '../../harness/contract/node-events.ts'
import { parseHistory } from '../../harness/report/read-history.ts'
import { HistoryParseError } from '../../harness/report/read-history.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'

/** One valid line per event type, as the TS node and the Go peer write them. */
const VALID: Record<string, Record<string, unknown>> = {
  ready: { name: 'A', peerId: '16Uiu2A', impl: 'go', gossipPolicy: 'stock', listen: ['/ip4/127.0.0.1/udp/4001/quic-v1'], control: 'http://127.0.0.1:9100', pid: 7 },
  leg_open: { leg: 'c1', peer: '16Uiu2B', direction: 'outbound', transport: 'quic', remote: '/ip4/127.0.0.1/udp/4002/quic-v1' },
  leg_close: { leg: 'c1', peer: '16Uiu2B', direction: 'outbound', reason: 'api-close' },
  stream_open: { stream: 'c1/o1', leg: 'c1', peer: '16Uiu2B', protocol: '/meshsub/1.2.0', direction: 'outbound' },
  stream_close: { stream: 'c1/o1', leg: 'c1', peer: '16Uiu2B', direction: 'outbound', reason: 'closed' },
  subscribe_replayed: { peer: '16Uiu2B', leg: 'c2', stream: 'c2/o3', topics: ['t'], closedStream: 'c1/o1', reopenMs: 12 },
  msg_published: { topic: 't', msgId: 'ab', slot: 1, validator: 2, recipients: ['16Uiu2B'] },
  // no slot/validator/leg: a payload that is not an attestation, on a stack that cannot name the leg
  msg_received: { topic: 't', msgId: 'ab', from: '16Uiu2B' },
  block_published: { topic: 'b', msgId: 'cd', slot: 1, proposer: 0, bytes: 262144, recipients: ['16Uiu2B'] },
  block_received: { topic: 'b', msgId: 'cd', slot: 1, proposer: 0, bytes: 262144, from: '16Uiu2A', latencyMs: 40 },
  error: { message: 'dial failed', peer: '16Uiu2B', addr: '/ip4/127.0.0.1/tcp/1' },
  // no p99LateMs/cpuMs: both optional
  sched: { windowMs: 200, maxLateMs: 3.5, maxLateAt: 1_700_000_000_000 }
}

const line = (type: string, fields: Record<string, unknown>, seq = 1): string => JSON.stringify({ seq, ts: 1_700_000_000_000, type, ...fields })

function rejection (text: string, node = 'B', lineNo = 12): NodeEventError {
  try {
    parseNodeEvent(text, node, lineNo)
  } catch (err) {
    expect(err).to.be.instanceOf(NodeEventError)
    return err as NodeEventError
  }
  throw new Error(`accepted: ${text}`)
}

describe('contract: node events', () => {
  it('knows exactly the event types of CONTRACT.md section 6', () => {
    const contract = readFileSync(join(PROJECT_ROOT, 'containers', 'CONTRACT.md'), 'utf8')
    const section = contract.slice(contract.indexOf('## 6. Events'), contract.indexOf('## 7.'))
    const documented = [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map(m => m[1])
    expect([...NODE_EVENT_TYPES].sort()).to.deep.equal(documented.sort())
    expect(Object.keys(VALID).sort()).to.deep.equal([...NODE_EVENT_TYPES].sort())
  })

  for (const [type, fields] of Object.entries(VALID)) {
    it(`parses ${type}, keeping fields it does not list`, () => {
      const e = parseNodeEvent(line(type, { ...fields, extra: 'kept' }), 'A', 3)
      expect(e).to.include({ type, seq: 1 })
      expect(e).to.have.property('extra', 'kept')
    })
  }

  it('rejects a line that is not JSON, naming the node and the line', () => {
    const err = rejection('panic: runtime error', 'C', 41)
    expect(err.message).to.equal('node C, stdout line 41: not JSON: panic: runtime error')
    expect([err.node, err.line, err.claimedType]).to.deep.equal(['C', 41, undefined])
  })

  it('rejects a missing field, a wrong type and a value outside the unions, each named', () => {
    const { direction: _d, ...noDirection } = VALID.leg_open!
    expect(rejection(line('leg_open', noDirection)).message).to.equal('node B, stdout line 12: leg_open: field direction is missing')
    expect(rejection(line('leg_open', { ...VALID.leg_open, direction: 'sideways', transport: 'udp' })).message)
      .to.equal('node B, stdout line 12: leg_open: field direction must be "inbound" or "outbound", got "sideways"; field transport must be "quic" or "tcp", got "udp"')
    expect(rejection(line('msg_published', { ...VALID.msg_published, recipients: [1] })).message).to.match(/field recipients must be an array of strings, got \[1\]$/)
    expect(rejection(line('msg_received', { ...VALID.msg_received, slot: '3' })).message).to.match(/msg_received: field slot must be a number, got "3"$/)
    expect(rejection(line('ready', { ...VALID.ready, pid: undefined })).claimedType).to.equal('ready')
  })

  it('rejects an unknown type, a missing type and a missing seq or ts', () => {
    expect(rejection(line('leg_flap', {})).message).to.match(/^node B, stdout line 12: unknown event type "leg_flap" \(one of ready, /)
    expect(rejection('{"seq":1,"ts":2}').message).to.equal('node B, stdout line 12: has no string field "type"')
    expect(rejection('[1,2]').message).to.equal('node B, stdout line 12: not a JSON object')
    expect(rejection(JSON.stringify({ ts: 1, type: 'error', message: 'x' })).message).to.equal('node B, stdout line 12: error: field seq must be a number')
  })

  it('every node entry of the shipped histories is a contract event', () => {
    const dirs = [join(PROJECT_ROOT, 'fixtures', 'histories'), join(PROJECT_ROOT, 'fixtures', 'histories', 'oracles')]
    let checked = 0
    for (const dir of dirs) {
      for (const f of readdirSync(dir).filter(n => n.endsWith('.ndjson'))) {
        for (const e of parseHistory(readFileSync(join(dir, f), 'utf8'), f)) {
          if (e.kind !== 'node') continue
          const { kind: _k, node: _n, ...event } = e
          expect(nodeEventProblem(event), `${f}: ${JSON.stringify(e)}`).to.equal(undefined)
          checked++
        }
      }
    }
    expect(checked).to.be.greaterThan(1000)
  })

  it('a saved history with a malformed node entry is refused with file and line', () => {
    const start = JSON.stringify({ kind: 'run_start', ts: 1, runId: 'r', scenario: 's', seed: 1, runtime: 'process', genesisMs: 1, slotMs: 1000, slots: 1, validatorCount: 1, nodes: [], legs: [] })
    const bad = JSON.stringify({ kind: 'node', node: 'A', seq: 1, ts: 2, type: 'leg_close', leg: 'c1', peer: 'p', direction: 'outbound' })
    expect(() => parseHistory(`${start}\n${bad}\n`, 'h.ndjson')).to.throw(HistoryParseError, 'h.ndjson:2: node A: leg_close: field reason is missing')
  })
})
