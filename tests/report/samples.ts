/**
 * The sample runs behind fixtures/histories/report-*.ndjson and the verdicts
 * the report tests render with them (hand-written: the oracles are not under
 * test here, the renderers are).
 */
import type { Verdict } from '../../harness/oracles/verdict.ts'
import type { SampleSpec } from './sample-history.ts'

export const FIXTURE_DIR = new URL('../../fixtures/histories/', import.meta.url)

/** pr278-like: leg-aware, non-bearing flaps of A's pair with D, and a latency spike on C's bearing leg. */
export const PASS_SPEC: SampleSpec = {
  runId: 'run-pr278-s42',
  scenario: 'pr278-non-bearing-leg-flap',
  seed: 42,
  nodes: ['A', 'B', 'C', 'D'],
  validatorsPerNode: 8,
  aggregators: ['D'],
  slots: 8,
  slotMs: 1000,
  policy: 'leg-aware',
  transport: 'quic',
  faults: [
    { atSlot: 2.5, durationSlots: 1, action: 'down', pair: ['A', 'D'], role: 'non-bearing-of', of: 'A' },
    { atSlot: 4.5, durationSlots: 1, action: 'down', pair: ['A', 'D'], role: 'bearing-of', of: 'A' },
    { atSlot: 6, durationSlots: 1, action: 'latency', pair: ['C', 'D'], role: 'bearing-of', of: 'C', latencyMs: 1500 }
  ]
}

/** bearing-leg-down on the stock policy: A's and B's streams to D die with their bearing legs, D parks below quorum. */
export const FAIL_SPEC: SampleSpec = {
  runId: 'run-bearing-stock-s7',
  scenario: 'bearing-leg-down',
  seed: 7,
  nodes: ['A', 'B', 'C', 'D'],
  validatorsPerNode: 8,
  aggregators: ['D'],
  slots: 8,
  slotMs: 1000,
  policy: 'stock',
  transport: 'quic',
  faults: [
    { atSlot: 2.2, durationSlots: 3, action: 'down', pair: ['A', 'D'], role: 'bearing-of', of: 'A' },
    { atSlot: 2.4, durationSlots: 3, action: 'down', pair: ['B', 'D'], role: 'bearing-of', of: 'B' }
  ]
}

export const HOSTILE_NAME = 'B"><script>alert(1)</script>'
export const HOSTILE_ERROR = '</script><script>alert("pwned")</script><a href="https://evil.example/">x</a><img src=http://evil.example/i.png>'
export const HOSTILE_LOG = '<iframe src="http://evil.example/frame"></iframe> & bell \u0007'

/** Node names and messages that would inject markup if printed raw; a node crashes mid-run. */
export const HOSTILE_SPEC: SampleSpec = {
  runId: 'run-hostile-<b>1</b>',
  scenario: 'hostile-<svg onload=alert(1)>',
  seed: 3,
  nodes: ['A', HOSTILE_NAME, 'C', 'D'],
  validatorsPerNode: 2,
  aggregators: ['D'],
  slots: 4,
  slotMs: 500,
  policy: 'leg-aware',
  transport: 'tcp',
  faults: [{ atSlot: 1.5, durationSlots: 1, action: 'down', pair: ['A', 'D'], role: 'bearing-of', of: 'A' }],
  extraErrors: [{ node: HOSTILE_NAME, atSlot: 1, message: HOSTILE_ERROR }],
  crash: { node: 'C', atSlot: 3, lastLines: ['starting', HOSTILE_LOG] },
  endReason: 'node-failed'
}

export const PASS_VERDICTS: Verdict[] = [
  { expectation: 'streams-survive', title: 'streams-survive', status: 'pass', summary: 'every stream not on a faulted leg kept its id', findings: [] },
  { expectation: 'delivery-gap', title: 'delivery-gap <= 1000 ms', status: 'pass', summary: 'no publisher->receiver gap longer than 1000 ms while a leg was live', findings: [] },
  { expectation: 'coverage', title: 'coverage >= quorum every slot', status: 'pass', summary: 'D reached 22/32 every slot', findings: [], evidence: { lines: ['slot 0: coverage=32/32 late=none diff=+32/-0'] } }
]

export const FAIL_VERDICTS: Verdict[] = [
  {
    expectation: 'reopen-within',
    title: 'reopen-within 1000 ms',
    status: 'fail',
    summary: 'A->D stream never reopened after its bearing leg A>D went down',
    findings: [
      { message: 'A->D outbound gossip stream closed with leg A>D and was not reopened on D>A', direction: 'A->D', leg: 'A>D', stream: 'c0ffee/o3', node: 'A', fromMs: 1_795_471_782_215, toMs: 1_795_471_785_320 },
      { message: 'B->D outbound gossip stream closed with leg B>D and was not reopened', direction: 'B->D', leg: 'B>D', node: 'B', fromMs: 1_795_471_782_415 }
    ]
  },
  {
    expectation: 'coverage',
    title: 'coverage >= quorum from slot 0',
    status: 'fail',
    summary: 'D below quorum in 3 slots (16/32, quorum 22)',
    findings: [3, 4, 5].map(slot => ({ message: `D coverage=16/32 below quorum 22 in slot ${slot}`, node: 'D', slot }))
  },
  { expectation: 'streams-survive', title: 'streams-survive', status: 'pass', summary: 'no stream off a faulted leg was lost', findings: [] },
  { expectation: 'no-decay', title: 'no-decay within 1 slot', status: 'unknown', summary: 'B reported no stream events; cannot tell whether a live path existed', findings: [{ message: 'no stream events from B', node: 'B' }] }
]

export const HOSTILE_VERDICTS: Verdict[] = [
  {
    expectation: 'node-alive',
    title: `node C alive <${'script'}>`,
    status: 'fail',
    summary: `node C crashed: ${HOSTILE_LOG}`,
    findings: [{ message: HOSTILE_ERROR, node: HOSTILE_NAME, leg: `A>${HOSTILE_NAME}` }]
  }
]
