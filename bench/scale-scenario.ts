/**
 * A fault-free devnet of any size, for issue 18's scale measurements (not part of `npm test`):
 * prints a scenario file with N TS nodes x 4 validators, one aggregator (N0), QUIC, full peering or a
 * seeded k-regular one, and one expectation (coverage at quorum from slot 0).
 *
 *   node bench/scale-scenario.ts --nodes 32 --degree 8 --slot-ms 4000 > /tmp/scale-32.yaml
 *   bash bench/peak-memory.sh node harness/cli/bin.js run /tmp/scale-32.yaml    # verdict, wall, peak RSS
 *   MESHFLAP_LOG=debug bash bench/peak-memory.sh node harness/cli/bin.js run /tmp/scale-32.yaml --nodes-per-process 8 --out /tmp/runs
 *   node bench/boot-times.ts /tmp/meshflap-peak-memory.out /tmp/runs/<run dir>     # start-to-ready, node processes
 *
 * `--degree 0` (default) is `peers: full`. Slots: 10 at 1 s or shorter, else 24 s of slots (at least 6).
 */
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '16' },
    degree: { type: 'string', default: '0' },
    'slot-ms': { type: 'string', default: '1000' },
    seed: { type: 'string', default: '18' }
  }
})
const nodes = Number(values.nodes)
const degree = Number(values.degree)
const slotMs = Number(values['slot-ms'])
if (!Number.isInteger(nodes) || nodes < 2) throw new Error(`--nodes: expected an integer >= 2, got ${values.nodes}`)
if (!Number.isInteger(degree) || degree < 0 || degree >= nodes) throw new Error(`--degree: expected 0 (full) or 1..${nodes - 1}, got ${values.degree}`)
if (!Number.isInteger(slotMs) || slotMs < 250) throw new Error(`--slot-ms: expected an integer >= 250, got ${values['slot-ms']}`)

const name = `scale-${nodes}-${degree === 0 ? 'full' : `degree${degree}`}-${slotMs}ms`
const lines = [
  `name: ${name}`,
  'description: fault-free scale measurement (bench/scale-scenario.ts), not a fixture',
  `seed: ${values.seed}`,
  `validators: ${4 * nodes}`,
  'nodes:',
  ...Array.from({ length: nodes }, (_, i) =>
    `  - { name: N${i}, validators: [${[0, 1, 2, 3].map(k => 4 * i + k).join(', ')}]${i === 0 ? ', aggregator: true' : ''} }`),
  'transport: quic',
  ...(degree > 0 ? [`peers: { degree: ${degree} }`] : []),
  `slotMs: ${slotMs}`,
  `slots: ${slotMs <= 1000 ? 10 : Math.max(6, Math.ceil(24_000 / slotMs))}`,
  'expectations:',
  '  - coverage: { from-slot: 0 }'
]
process.stdout.write(lines.join('\n') + '\n')
