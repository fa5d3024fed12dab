/**
 * Wire profiles (containers/CONTRACT.md, "Wire profiles"): the shared vectors in
 * containers/wire-vectors.json give the same ids in the TS node (here), the Go peer (its own
 * `go test`) and the Rust peer (its own `cargo test`); and a mixed TS + Go + Rust devnet
 * delivers with each profile, every node computing the same id for each attestation, which is
 * what gossip recovery (IHAVE/IWANT) needs.
 */
import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { WIRE_PROFILES } from '../../harness/contract/node-config.ts'
import type { WireProfile } from '../../harness/contract/node-config.ts'
import { TARGET_DIR as RUST_TARGET_DIR } from '../../harness/impls/rust.ts'
import { readHistory } from '../../harness/report/read-history.ts'
import { runScenario } from '../../harness/runner/run-scenario.ts'
import { parseScenario } from '../../harness/scenario/load-scenario.ts'
import type { History } from '../../harness/history/types.ts'
import { publishedAtFor } from '../../harness/conform/wire-checks.ts'
import { encodeAttestation } from '../../containers/ts-node/attestation.ts'
import { decompressesAsSnappy, messageIdFn } from '../../harness/contract/wire-profile.ts'
import { msgIdAgreement } from '../support/msg-id-agreement.ts'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..', '..')

interface Vector { note: string, topic: string, data: string, snappyValid: boolean, ids: Record<WireProfile, string> }

async function vectors (): Promise<Vector[]> {
  const doc = JSON.parse(await readFile(join(ROOT, 'containers', 'wire-vectors.json'), 'utf8')) as { vectors: Vector[] }
  return doc.vectors
}

async function hasTool (tool: string, versionArg: string): Promise<boolean> {
  try {
    await run(tool, [versionArg])
    return true
  } catch {
    return false
  }
}

describe('wire profiles: shared vectors', function () {
  this.timeout(600_000)

  it('the TS node gives every vector its id under each profile, and judges snappy alike', async () => {
    const list = await vectors()
    expect(list.length).to.be.greaterThan(4)
    expect(list.some(v => v.snappyValid), 'a vector with a valid snappy block').to.equal(true)
    expect(list.some(v => !v.snappyValid), 'a vector with an invalid one').to.equal(true)
    for (const v of list) {
      const data = Buffer.from(v.data, 'hex')
      expect(decompressesAsSnappy(data), `${v.note}: snappy valid`).to.equal(v.snappyValid)
      for (const profile of WIRE_PROFILES) {
        expect(Buffer.from(messageIdFn(profile)(v.topic, data)).toString('hex'), `${v.note}: ${profile}`).to.equal(v.ids[profile])
      }
    }
  })

  it('the two profiles differ on every vector (a test that mixed them up would fail)', async () => {
    for (const v of await vectors()) expect(v.ids.lean, v.note).to.not.equal(v.ids['zig-libp2p'])
  })

  it('the Go peer checks the same vectors in its own go test', async function () {
    if (!await hasTool('go', 'version')) this.skip()
    const { stdout } = await run('go', ['test', '-count=1', '-run', 'TestWireVectors', '-v', '.'], { cwd: join(ROOT, 'containers', 'go-peer') })
    expect(stdout).to.match(/--- PASS: TestWireVectors/)
  })

  it('the Rust peer checks the same vectors in its own cargo test', async function () {
    if (!await hasTool('cargo', '--version')) this.skip()
    // the release target dir the build step fills, so only the crate itself is compiled for the test
    const target = RUST_TARGET_DIR
    const { stdout } = await run('nice', ['-n', '10', 'cargo', 'test', '--release', '--locked', 'wire_profile::tests::wire_vectors'],
      { cwd: join(ROOT, 'containers', 'rust-peer'), env: { ...process.env, CARGO_TARGET_DIR: target }, maxBuffer: 16 << 20 })
    expect(stdout).to.match(/wire_profile::tests::wire_vectors \.\.\. ok/)
  })
})

describe('wire profiles: recomputing a published id (conform\'s wire check)', () => {
  const topic = '/leanconsensus/12345678/attestation_1/ssz_snappy'
  const at = 1_795_471_780_123
  const published = (wire: WireProfile): { ts: number, topic: string, slot: number, validator: number, msgId: string } =>
    ({ ts: at + 7, topic, slot: 3, validator: 5, msgId: Buffer.from(messageIdFn(wire)(topic, encodeAttestation({ slot: 3, validator: 5, publishedAtMs: at }, 64))).toString('hex') })

  it('finds the publish time under the profile the id was made with', () => {
    for (const wire of WIRE_PROFILES) expect(publishedAtFor(wire, published(wire)), wire).to.equal(at)
  })

  it('negative control: an id of the other profile does not recompute', () => {
    expect(publishedAtFor('zig-libp2p', published('lean'))).to.equal(undefined)
    expect(publishedAtFor('lean', published('zig-libp2p'))).to.equal(undefined)
  })
})

describe('wire profiles: the id agreement check', () => {
  const event = (node: string, type: 'msg_published' | 'msg_received', msgId: string): History[number] =>
    ({ kind: 'node', node, type, ts: 1, seq: 1, topic: 't', msgId, slot: 1, validator: 2, recipients: [], from: 'x' }) as unknown as History[number]

  it('finds no disagreement when every node reports one id', () => {
    expect(msgIdAgreement([event('A', 'msg_published', 'aa'), event('B', 'msg_received', 'aa')])).to.deep.equal({ compared: 1, disagreements: [] })
  })

  it('negative control: one node with another id is a disagreement', () => {
    const r = msgIdAgreement([event('A', 'msg_published', 'aa'), event('B', 'msg_received', 'aa'), event('C', 'msg_received', 'bb')])
    expect(r.disagreements).to.have.length(1)
    expect(r.disagreements[0]).to.contain('slot 1 validator 2').and.contain('C bb')
  })
})

const mixed = (wire: WireProfile): string => `
name: mixed-wire-${wire}
description: "A calm TS + Go + Rust devnet on the ${wire} wire profile."
seed: 17
validators: 16
wire: ${wire}
nodes:
  - { name: A, impl: ts, aggregator: true }
  - { name: B, impl: go, gossipPolicy: stock, aggregator: true }
  - { name: C, impl: rust, gossipPolicy: stock, aggregator: true }
  - { name: D, impl: ts }
transport: quic
slotMs: 1000
slots: 4
genesisDelayMs: 1000
expectations:
  - coverage: { from-slot: 0 }
`

describe('wire profiles: a mixed TS + Go + Rust devnet', function () {
  this.timeout(180_000)
  for (const wire of WIRE_PROFILES) {
    it(`${wire}: every aggregator reaches quorum every slot and every node gives each attestation the same id`, async () => {
      const r = await runScenario(parseScenario(mixed(wire), `(mixed ${wire})`), { outDir: await mkdtemp(join(tmpdir(), 'meshflap-wire-')) })
      const why = r.verdicts.filter(v => v.status !== 'pass').map(v => `${v.title}: ${v.findings[0]?.message ?? v.summary}`).join('\n')
      expect(r.status, why).to.equal('pass')
      expect(r.scenario.wire).to.equal(wire)
      const history = await readHistory(join(r.dir, 'history.ndjson'))
      const agreement = msgIdAgreement(history)
      expect(agreement.compared, 'attestations seen by several nodes').to.be.greaterThan(16)
      expect(agreement.disagreements, 'ids that differ between nodes').to.deep.equal([])
      // and the id is this profile's in every implementation: one published attestation of each
      // node recomputes (its publish time is the one unknown, searched backwards from the event)
      for (const node of ['A', 'B', 'C']) {
        const p = history.find(e => e.kind === 'node' && e.node === node && e.type === 'msg_published')
        if (p?.kind !== 'node' || p.type !== 'msg_published') throw new Error(`node ${node} published nothing`)
        expect(publishedAtFor(wire, p), `node ${node}'s id ${p.msgId} under ${wire}`).to.not.equal(undefined)
      }
    })
  }
})
