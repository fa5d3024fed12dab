/**
 * A started devnet: the one engine behind both front doors (the CLI's scenario
 * runner and the library API of harness/index.ts).
 *
 *   Devnet.start(scenario)
 *     ├─ runtime.startNode(...) for every node  ──NDJSON──> HistoryRecorder
 *     ├─ one proxy per leg "A>B" (UDP proxy for QUIC, toxiproxy for TCP)
 *     ├─ POST /v1/dial: each dialer is handed its leg's proxy address
 *     │    (placement: held / slowed legs staged so each pair's streams sit where asked, stage-placement.ts)
 *     ├─ wait until every peering pair (every pair, or those of `peers: { degree }`) holds 2 legs and gossip streams both ways
 *     └─ POST /v1/duties: genesis = now + genesisDelayMs, run_start recorded
 *
 * Stop it with `await using` (or stop()): nodes, proxies and engines are gone after.
 */
import { mkdir } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { Proxy } from 'toxiproxy-node-client'
import { peerIdFor } from '../contract/identity.ts'
import type { NodeConfig } from '../contract/node-config.ts'
import type { FaultFailed, HistoryEntry, LegName, RunEnd, RunLeg, RunStart, TransportName } from '../history/types.ts'
import type { Scenario, ScenarioNode } from '../scenario/types.ts'
import { Leg } from '../faults/leg.ts'
import type { EngineKind, FaultEngine } from '../faults/engine.ts'
import type { NodeLaunch, RunningNode, Runtime, RuntimeName } from '../runtime/runtime.ts'
import { ProcessRuntime } from '../runtime/process-runtime.ts'
import { nodesPerProcessProblem } from '../runtime/nodes-per-process.ts'
import { DIALS_IN_FLIGHT, limitInFlight, meshPollMs } from './boot-pacing.ts'
import type { NodeStatus } from '../contract/node-status.ts'
import { statusSnapshot } from '../scenario/status-snapshot.ts'
import { peersFromLegs } from '../scenario/resolve-topology.ts'
import type { StatusSnapshot } from '../scenario/status-snapshot.ts'
import { HistoryRecorder } from './history-recorder.ts'
import { startHarnessProbe } from './harness-probe.ts'
import type { SchedProbe } from '../../containers/ts-node/sched-probe.ts'
import { NodeClient } from './node-client.ts'
import { hostPortOf, listenFor, multiaddrOf } from './addresses.ts'
import { applyAction } from './apply-fault.ts'
import { NodeFaults } from './node-faults.ts'
import { restartNode } from './restart-node.ts'
import { simultaneousDial } from './simultaneous-dial.ts'
import { closeCurrentLeg } from './close-current-leg.ts'
import type { DialEnd, SimultaneousDialResult } from './simultaneous-dial.ts'
import { resolveTarget } from '../scenario/resolve-target.ts'
import { DEFAULTS } from '../scenario/defaults.ts'
import type { TargetResolution } from '../scenario/resolve-target.ts'
import { seededRng } from '../scenario/seeded-rng.ts'
import { streamsOnLeg } from '../scenario/streams-on-leg.ts'
import type { FaultActionSpec, Target } from '../scenario/types.ts'
import { unplaceablePairs, unplaceableSummary } from '../impls/placement-support.ts'
import { PlacementError, dialWithPlacement, placementOf, placementProblems } from './stage-placement.ts'
import { blockDuties } from '../scenario/resolve-traffic.ts'
import { createLogger } from '../cli/logger.ts'
import type { Logger } from '../cli/logger.ts'

export class DevnetSetupError extends Error {
  override name = 'DevnetSetupError'
}

export interface DevnetOptions {
  /** 'process' (default), 'docker', 'swarm', or a runtime you constructed */
  runtime?: RuntimeName | Runtime
  /** process runtime: TS nodes per child process (default 1; harness/runtime/nodes-per-process.ts) */
  nodesPerProcess?: number
  /** run directory for configs, logs and history.ndjson (default: a new folder under runs/) */
  dir?: string
  runId?: string
  signal?: AbortSignal
  /** how long the devnet may take to connect every pair (default 20 s + 1 s per node) */
  meshTimeoutMs?: number
  /** called for every history entry as it is recorded (progress lines, live assertions) */
  onEntry?: (entry: HistoryEntry) => void
  /** set-up progress a person should see (docker: image builds, stale-run sweeps) */
  onLog?: (line: string) => void
  /** diagnostics (default: createLogger(), level from MESHFLAP_LOG) */
  logger?: Logger
}

/** A node of a started devnet. */
export interface DevnetNode {
  readonly spec: ScenarioNode
  readonly running: RunningNode
  readonly client: NodeClient
}

const PARKED_GENESIS_MS = 3_600_000

export class Devnet implements AsyncDisposable {
  readonly scenario: Scenario
  readonly runId: string
  readonly dir: string
  readonly runtime: Runtime
  readonly recorder: HistoryRecorder
  /** diagnostics: start-up, proxies, selector resolution, faults (MESHFLAP_LOG=debug) */
  readonly log: Logger
  genesisMs = 0
  private readonly nodesByName = new Map<string, DevnetNode>()
  /** how each node was first started (a restart starts it again the same way) */
  private readonly launches = new Map<string, NodeLaunch>()
  private readonly legsByName = new Map<LegName, Leg>()
  private readonly engines: FaultEngine[] = []
  private readonly exitListeners: Array<(node: string) => void> = []
  private stopping: Promise<void> | undefined
  private faultCount = 0
  /** kill / pause / resume of whole nodes, and which nodes are down on purpose */
  readonly nodeFaults: NodeFaults
  private readonly probe: SchedProbe
  /** true while placement staging drives proxies (see quietly) */
  private staging = false

  private constructor (scenario: Scenario, runId: string, dir: string, runtime: Runtime, recorder: HistoryRecorder, log: Logger) {
    this.log = log
    this.scenario = scenario
    this.runId = runId
    this.dir = dir
    this.runtime = runtime
    this.recorder = recorder
    this.nodeFaults = new NodeFaults({
      running: name => this.node(name).running,
      legsOf: name => scenario.legs.filter(l => l.dialer === name || l.listener === name).map(l => l.name),
      record: entry => { this.recorder.append(entry) },
      // one slot: time to redial, reopen streams and resubscribe before the node's directions count again
      recoveryGraceMs: scenario.slotMs,
      restart: async (name, afterMs, signal) => { await this.restartNode(name, afterMs, signal) }
    })
    this.probe = startHarnessProbe(entry => { recorder.append(entry) })
  }

  static async start (scenario: Scenario, options: DevnetOptions = {}): Promise<Devnet> {
    const runId = options.runId ?? `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 6)}`
    const dir = options.dir ?? join('runs', `${scenario.name}-seed${scenario.seed}-${runId}`)
    await mkdir(dir, { recursive: true })
    const recorder = new HistoryRecorder(join(dir, 'history.ndjson'))
    if (options.onEntry != null) recorder.onEntry(options.onEntry)
    const log = (options.logger ?? createLogger()).child({ component: 'devnet', runId })
    log.debug({ scenario: scenario.name, seed: scenario.seed, dir, nodes: scenario.nodes.map(n => `${n.name}:${n.impl}`), legs: scenario.legs.length }, 'devnet starting')
    const nodesPerProcess = options.nodesPerProcess ?? 1
    const perProcessProblem = nodesPerProcessProblem(nodesPerProcess, typeof options.runtime === 'object' ? options.runtime.name : options.runtime ?? 'process')
    if (perProcessProblem !== undefined) throw new DevnetSetupError(perProcessProblem)
    const runtime = typeof options.runtime === 'object' ? options.runtime : await createRuntime(options.runtime ?? 'process', dir, runId, options.onLog, log, nodesPerProcess)
    const devnet = new Devnet(scenario, runId, dir, runtime, recorder, log)
    try {
      await devnet.boot(options)
      return devnet
    } catch (err) {
      await devnet.stop('setup-failed', (err as Error).message)
      throw err
    }
  }

  /** A node by name. */
  node (name: string): DevnetNode {
    const node = this.nodesByName.get(name)
    if (node == null) throw new Error(`no node "${name}" in this devnet (nodes: ${[...this.nodesByName.keys()].join(', ')})`)
    return node
  }

  /**
   * The nodes that are up, in the scenario's order. Never in the order they came up: that order
   * varies from run to run, and the seeded draws of random targets index into this list, so the
   * same seed drew other nodes and legs in every run (quorum-32 seed 32: five runs, five storms).
   */
  nodes (): DevnetNode[] {
    return this.scenario.nodes.map(spec => this.nodesByName.get(spec.name)).filter((n): n is DevnetNode => n !== undefined)
  }

  /** One harness leg, e.g. leg('A>B') = A's outbound leg to B. */
  leg (name: LegName): Leg {
    const leg = this.legsByName.get(name)
    if (leg == null) throw new Error(`no leg "${name}" in this devnet (legs: ${[...this.legsByName.keys()].join(', ')})`)
    return leg
  }

  /** Both legs of a pair: [a>b, b>a]. */
  legs (a: string, b: string): [Leg, Leg] {
    return [this.leg(`${a}>${b}`), this.leg(`${b}>${a}`)]
  }

  allLegs (): Leg[] {
    return [...this.legsByName.values()]
  }

  /** Every node's live `GET /v1/status`, by node name (a node that does not answer is left out). */
  async statuses (): Promise<Record<string, NodeStatus>> {
    const statuses: Record<string, NodeStatus> = {}
    // a node the run paused or killed cannot answer: asking would only wait for the timeout
    await Promise.all(this.nodes().filter(n => this.nodeFaults.stateOf(n.spec.name) === undefined).map(async n => {
      try {
        statuses[n.spec.name] = await n.client.status()
      } catch { /* a silent node shows as a missing status; its exit or hang is recorded elsewhere */ }
    }))
    return statuses
  }

  /** The live view selectors decide from (harness/scenario/resolve-target.ts). */
  async snapshot (): Promise<StatusSnapshot> {
    const statuses = await this.statuses()
    return statusSnapshot(this.nodes().map(n => ({ name: n.spec.name, peerId: n.running.peerId })), Object.values(statuses),
      this.scenario.peers !== undefined ? this.scenario.legs : undefined)
  }

  /** Which legs a selector means right now (decided from live status; pure resolution, nothing applied). */
  async resolve (target: Target, seed = this.scenario.seed): Promise<TargetResolution> {
    const resolution = resolveTarget(target, await this.snapshot(), seededRng(seed))
    this.logResolution(target, resolution)
    return resolution
  }

  /** One debug line per resolution: what a selector meant at that moment. */
  logResolution (target: Target, resolution: TargetResolution, fault?: string): void {
    this.log.debug({ fault, target, legs: resolution.legs.map(l => `${l.leg} (${l.selector})`), unresolved: resolution.unresolved }, 'selector resolved')
  }

  /**
   * Applies one fault to the legs a selector resolves to, recorded in the history like a
   * scenario fault. With `durationMs` a down/blackhole/latency/loss/bandwidth/stall/burst-loss heals itself
   * after that long (the promise resolves after the heal). Returns the legs it hit.
   */
  async fault (target: Target, action: FaultActionSpec | FaultActionSpec['kind'], options: { durationMs?: number, label?: string, signal?: AbortSignal } = {}): Promise<TargetResolution> {
    const spec = typeof action === 'string' ? defaultAction(action) : action
    const snapshot = await this.snapshot()
    const resolution = resolveTarget(target, snapshot, seededRng(this.scenario.seed + (this.faultCount++)))
    this.logResolution(target, resolution)
    const label = options.label ?? `test-fault-${this.faultCount}`
    for (const u of resolution.unresolved) this.recordFaultFailed({ fault: label, action: spec.kind, selector: u.selector, reason: u.reason, ...(u.severalBearingLegs !== undefined ? { severalBearingLegs: u.severalBearingLegs } : {}) })
    if (resolution.legs.length === 0) {
      const reason = resolution.unresolved.map(u => `${u.selector}: ${u.reason}`).join('; ') || 'no such leg'
      if (resolution.unresolved.length === 0) this.recordFaultFailed({ fault: label, action: spec.kind, reason })
      throw new Error(`selector resolved to no leg: ${reason}`)
    }
    const signal = options.signal ?? new AbortController().signal
    const results = await Promise.allSettled(resolution.legs.map(async t => {
      const hit = streamsOnLeg(snapshot, t.dialer, t.listener, { ...(t.dialerLeg !== undefined ? { dialerLeg: t.dialerLeg } : {}), ...(t.listenerLeg !== undefined ? { listenerLeg: t.listenerLeg } : {}) })
      await applyAction(this.leg(t.leg), spec, { fault: label, selector: t.selector, dialerLeg: t.dialerLeg, listenerLeg: t.listenerLeg, hit },
        options.durationMs, signal, this.log)
    }))
    const failed = results.flatMap((r, i) => r.status === 'rejected' ? [{ leg: resolution.legs[i]!, err: r.reason as Error }] : [])
    if (!signal.aborted) for (const f of failed) this.recordFaultFailed({ fault: label, action: spec.kind, selector: f.leg.selector, leg: f.leg.leg, reason: f.err.message })
    if (failed.length > 0) throw failed[0]!.err
    return resolution
  }

  /**
   * Both ends of a pair dial each other at the same instant, after both legs were closed with
   * redials held off (harness/devnet/simultaneous-dial.ts); recorded on both legs.
   */
  async simultaneousDial (a: string, b: string, tag: { fault: string, selector?: string, signal?: AbortSignal } = { fault: `test-fault-${++this.faultCount}` }): Promise<SimultaneousDialResult> {
    const ends = [a, b].map(name => { const n = this.node(name); return { name, peerId: n.running.peerId, client: n.client } }) as [DialEnd, DialEnd]
    const legs = this.legs(a, b).map(l => ({ name: l.name, proxyAddr: l.proxyAddr, transport: l.transport }))
    return await simultaneousDial({ ends, legs, record: entry => { this.recorder.append(entry) }, tag: { fault: tag.fault, ...(tag.selector !== undefined ? { selector: tag.selector } : {}) }, signal: tag.signal })
  }

  /** Records a fault (or one leg of it) that could not be resolved or applied: the history says so, the verdicts cannot pass. */
  recordFaultFailed (failure: Omit<FaultFailed, 'kind' | 'ts'>): void {
    this.log.debug(failure, 'fault failed')
    this.recorder.append({ kind: 'fault_failed', ts: Date.now(), ...failure })
  }

  /** peer id -> node name */
  nameOf (peerId: string): string | undefined {
    return this.nodes().find(n => n.running.peerId === peerId)?.spec.name
  }

  /** The history so far, in time order. */
  history (): HistoryEntry[] {
    return this.recorder.entries()
  }

  /** Called when a node ends without the harness asking it to. */
  onNodeFailed (listener: (node: string) => void): void {
    this.exitListeners.push(listener)
  }

  /** Start of slot `slot` (unix ms). */
  slotStart (slot: number): number {
    return this.genesisMs + slot * this.scenario.slotMs
  }

  /** Stops every node, proxy and engine (idempotent); records run_end. */
  async stop (reason: RunEnd['reason'] = 'completed', detail?: string): Promise<void> {
    this.stopping ??= (async () => {
      this.log.debug({ reason, detail }, 'devnet stopping')
      await Promise.allSettled(this.nodes().map(async n => { await n.running.stop() }))
      await Promise.allSettled(this.engines.map(async e => { await e.dispose() }))
      await this.runtime.dispose()
      this.probe.stop()
      this.recorder.append({ kind: 'run_end', ts: Date.now(), reason, ...(detail != null ? { detail } : {}) })
      await this.recorder.close()
    })()
    await this.stopping
  }

  async [Symbol.asyncDispose] (): Promise<void> {
    await this.stop()
  }

  private async boot (options: DevnetOptions): Promise<void> {
    const { scenario } = this
    const signal = options.signal
    const kinds = new Set<EngineKind>(scenario.legs.map(l => engineFor(l.transport)))
    const engineStarts = [...kinds].map(async kind => {
      const engine = await this.runtime.startFaultEngine(kind, { signal, seed: scenario.seed })
      this.log.debug({ kind, proxyHost: engine.proxyHost }, 'fault engine started')
      this.engines.push(engine)
      return engine
    })
    // boot order: nodes with a start delay are started that long after every other node is ready
    const onTime = scenario.nodes.filter(spec => spec.startDelayMs === undefined).map(async spec => { await this.startNode(spec, signal) })
    const othersUp = Promise.allSettled(onTime)
    const late = scenario.nodes.filter(spec => spec.startDelayMs !== undefined).map(async spec => {
      await othersUp
      await sleep(spec.startDelayMs ?? 0, undefined, { signal })
      await this.startNode(spec, signal)
    })
    const nodeStarts = [...onTime, ...late]
    // Every start settles before a failure is thrown: stop() must see every node and engine that
    // came up, or one still starting when another failed would outlive the devnet.
    const settled = await Promise.allSettled([...engineStarts, ...nodeStarts])
    const failure = settled.find(r => r.status === 'rejected')
    if (failure != null) throw failure.reason
    const engines = this.engines
    signal?.throwIfAborted()

    const runLegs: RunLeg[] = []
    await Promise.all(scenario.legs.map(async l => {
      const engine = engines.find(e => e.kind === engineFor(l.transport))!
      const listener = this.node(l.listener)
      const listenAddr = listenFor(listener.running.listen, l.transport)
      if (listenAddr == null) throw new DevnetSetupError(`node ${l.listener} does not listen on ${l.transport} (listen: ${listener.running.listen.join(', ')})`)
      const proxy: Proxy = await engine.createProxy(l.name, `${engine.proxyHost}:0`, hostPortOf(listenAddr))
      this.log.debug({ leg: l.name, transport: l.transport, engine: engine.kind, listen: proxy.listen, upstream: hostPortOf(listenAddr) }, 'proxy created')
      this.legsByName.set(l.name, new Leg({
        name: l.name,
        dialer: l.dialer,
        listener: l.listener,
        transport: l.transport,
        proxy,
        // placement staging (latency while the legs are dialed) is set-up, not a fault of the run
        record: entry => { if (!this.staging) this.recorder.append(entry) },
        // looked up when used: a restarted node has a new control client
        closeVia: async () => {
          const listener = this.node(l.listener)
          return await closeCurrentLeg({ name: l.dialer, client: this.node(l.dialer).client }, { name: l.listener, peerId: listener.running.peerId })
        }
      }))
      runLegs.push({ name: l.name, dialer: l.dialer, listener: l.listener, transport: l.transport, proxyAddr: multiaddrOf(proxy.listen, l.transport), upstreamAddr: listenAddr, proxy: proxy.name })
    }))
    // A dial that fails (a slow start on a loaded machine) is not fatal: the node keeps the peer
    // configured and redials with backoff; waitUntilMeshed is the one judge of "connected".
    const dialErrors: string[] = []
    // paced (boot-pacing.ts): all of a large devnet's handshakes at once starved the nodes into aborting legs
    const dial = limitInFlight(DIALS_IN_FLIGHT, async (l: RunLeg): Promise<void> => {
      await this.node(l.dialer).client.dial(this.node(l.listener).running.peerId, l.proxyAddr, l.listener)
        .catch((err: Error) => { dialErrors.push(`${l.name}: ${err.message}`) })
    })
    const meshTimeoutMs = options.meshTimeoutMs ?? 20_000 + 1000 * scenario.nodes.length
    // pairs a node's stack cannot have placed are dialed plainly; the run's verdicts say so (unknown)
    const unplaceable = unplaceablePairs(scenario)
    const placement = (scenario.placement ?? []).filter(p => !unplaceable.some(u => u.pair[0] === p.pair[0] && u.pair[1] === p.pair[1]))
    const meshFrom = Date.now()
    try {
      await dialWithPlacement(runLegs.map(l => l.name), placement, {
        dial: async name => { await dial(runLegs.find(l => l.name === name)!) },
        snapshot: async () => await this.snapshot(),
        setLatency: async (name, ms) => { await this.quietly(async () => { await this.leg(name).latency(ms, 0, { direction: 'both' }) }) },
        timeoutMs: meshTimeoutMs,
        ...(signal !== undefined ? { signal } : {})
      })
      await this.waitUntilMeshed(meshTimeoutMs, signal)
    } catch (err) {
      if (err instanceof PlacementError) throw new DevnetSetupError(err.message)
      if (err instanceof DevnetSetupError && dialErrors.length > 0) err.message += `\nfirst dials that failed:\n  ${dialErrors.join('\n  ')}`
      throw err
    }
    await this.assertEveryLegProxied(runLegs)
    const placed = await this.snapshot()
    const misplaced = placementProblems(placement, placed)
    if (misplaced.length > 0) throw new DevnetSetupError(`stream placement not achieved (seed ${scenario.seed}):\n  ${misplaced.join('\n  ')}`)
    if (dialErrors.length > 0) this.log.debug({ dialErrors }, 'first dials failed (the nodes redial)')
    this.log.debug({ ms: Date.now() - meshFrom }, 'every pair meshed: both legs, gossip streams both ways')

    this.genesisMs = Date.now() + scenario.genesisDelayMs
    await Promise.all(this.nodes().map(async n => { await n.client.setGenesis(this.genesisMs) }))
    const start: RunStart = {
      kind: 'run_start',
      ts: Date.now(),
      runId: this.runId,
      scenario: scenario.name,
      seed: scenario.seed,
      runtime: this.runtime.name,
      genesisMs: this.genesisMs,
      slotMs: scenario.slotMs,
      slots: scenario.slots,
      validatorCount: scenario.validatorCount,
      subnets: scenario.subnets,
      nodes: this.nodes().map(n => ({
        name: n.spec.name, index: n.spec.index, peerId: n.running.peerId, impl: n.spec.impl,
        gossipPolicy: n.spec.gossipPolicy, validators: n.spec.validators, aggregator: n.spec.aggregator,
        ...(n.spec.aggregator && n.spec.aggregates !== undefined ? { aggregates: n.spec.aggregates } : {}),
        ...(n.spec.subscribeSubnets !== undefined ? { subscribeSubnets: n.spec.subscribeSubnets } : {}),
        ...(n.spec.mutants !== undefined ? { mutants: [...n.spec.mutants] } : {})
      })),
      legs: runLegs.sort((a, b) => a.name.localeCompare(b.name)),
      ...((scenario.placement ?? []).length > 0
        ? {
            placement: (scenario.placement ?? []).map(p => {
              const u = unplaceable.find(x => x.pair[0] === p.pair[0] && x.pair[1] === p.pair[1])
              return { pair: p.pair, streams: p.streams, legs: placementOf(p, placed), ...(u !== undefined ? { unmet: unplaceableSummary([u]) } : {}) }
            })
          }
        : {}),
      resolved: scenario
    }
    this.recorder.append(start)
    this.log.debug({ genesisMs: this.genesisMs, slotMs: scenario.slotMs, slots: scenario.slots }, 'genesis set, run started')
  }

  private async startNode (spec: ScenarioNode, signal?: AbortSignal): Promise<void> {
    const { scenario } = this
    const transports = new Set<TransportName>(scenario.legs.filter(l => l.dialer === spec.name || l.listener === spec.name).map(l => l.transport))
    const host = this.runtime.listenHost
    // the proposer rotation is drawn from the run's seed (after any --seed override)
    const blocks = blockDuties(scenario, scenario.seed).get(spec.name)
    const config: NodeConfig = {
      name: spec.name,
      index: spec.index,
      seed: scenario.seed,
      impl: spec.impl,
      control: { host: '127.0.0.1', port: 0 },
      listen: [...transports].map(t => t === 'quic' ? `/ip4/${host}/udp/0/quic-v1` : `/ip4/${host}/tcp/0`),
      peers: [],
      gossipPolicy: spec.gossipPolicy,
      // lean is every node's default: an implementation that predates wire profiles need not see the field
      ...(scenario.wire !== 'lean' ? { wire: scenario.wire } : {}),
      // only when asked: an implementation without mutants never sees the field
      ...(spec.mutants !== undefined && spec.mutants.length > 0 ? { mutants: [...spec.mutants] } : {}),
      redial: scenario.redial,
      quic: scenario.quic,
      gossip: scenario.gossip,
      duties: {
        genesisMs: Date.now() + PARKED_GENESIS_MS,
        slotMs: scenario.slotMs,
        // duties stop at the judged window (CONTRACT.md section 5): nothing is published after it
        slots: scenario.slots,
        validators: spec.validators,
        subnets: scenario.subnets,
        forkDigest: '12345678',
        paddingBytes: 64,
        // only when asked: an implementation that does not know the field need not see it
        ...(spec.subscribeDelayMs !== undefined ? { subscribeDelayMs: spec.subscribeDelayMs } : {}),
        ...(spec.subscribeAtMs !== undefined ? { subscribeAtMs: spec.subscribeAtMs } : {}),
        ...(spec.subscribeSubnets !== undefined ? { subscribeSubnets: spec.subscribeSubnets } : {}),
        ...(blocks !== undefined ? { blocks } : {})
      },
      exitOnStdinClose: true
    }
    const launch: NodeLaunch = { name: spec.name, impl: spec.impl, config, command: spec.command, image: spec.image }
    this.launches.set(spec.name, launch)
    const running = await this.runtime.startNode(launch, { signal })
    const expected = peerIdFor(scenario.seed, spec.index)
    if (running.peerId !== expected) {
      throw new DevnetSetupError(`node ${spec.name} (${spec.impl}) reported peer id ${running.peerId}, but seed ${scenario.seed} and index ${spec.index} give ${expected}: its identity derivation does not follow containers/CONTRACT.md section 3`)
    }
    this.log.debug({ node: spec.name, impl: spec.impl, peerId: running.peerId, control: running.controlUrl, listen: running.listen }, 'node ready')
    this.adopt(spec, running)
  }

  /**
   * The `restart` node action (harness/faults/actions/restart.ts): stop, wait `afterMs`, start
   * again with the same identity, listen ports and config, reconnect (harness/devnet/restart-node.ts).
   */
  async restartNode (name: string, afterMs: number, signal: AbortSignal): Promise<void> {
    const node = this.node(name)
    const launch = this.launches.get(name)
    if (launch === undefined) throw new Error(`node ${name} was not started by this devnet`)
    await restartNode({
      runtime: this.runtime,
      running: node.running,
      launch,
      outbound: this.allLegs().filter(l => l.dialer === name),
      inbound: this.allLegs().filter(l => l.listener === name),
      peerIdOf: n => this.node(n).running.peerId,
      adopt: running => { this.adopt(node.spec, running) },
      genesisMs: this.genesisMs,
      setGenesis: async (_running, genesisMs) => { await this.node(name).client.setGenesis(genesisMs) },
      dial: async (_running, peerId, addr, peer) => { await this.node(name).client.dial(peerId, addr, peer) },
      log: (fields, message) => { this.log.debug(fields, message) }
    }, afterMs, signal)
  }

  /** A started node joins the devnet: its events and exit go to the history, its control API gets a client. */
  private adopt (spec: ScenarioNode, running: RunningNode): void {
    const node: DevnetNode = { spec, running, client: new NodeClient(spec.name, running.controlUrl) }
    this.nodesByName.set(spec.name, node)
    running.onEvent(event => { this.recorder.append({ ...event, kind: 'node', node: spec.name }) })
    void running.exited.then(info => {
      this.recorder.append({ kind: 'node_exit', ts: Date.now(), node: spec.name, code: info.code, signal: info.signal, expected: info.expected, lastLines: running.lastLines(20) })
      if (!info.expected) for (const l of this.exitListeners) l(spec.name)
    })
  }

  /** Proxy changes that are set-up, not faults: not recorded in the history. */
  private async quietly (work: () => Promise<void>): Promise<void> {
    this.staging = true
    try { await work() } finally { this.staging = false }
  }

  private async waitUntilMeshed (timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs
    let missing: string[] = []
    while (Date.now() < deadline) {
      signal?.throwIfAborted()
      missing = this.unmeshed(await this.statuses())
      if (missing.length === 0) return
      await new Promise(resolve => setTimeout(resolve, meshPollMs(this.scenario.nodes.length)))
    }
    throw new DevnetSetupError(`the devnet did not connect within ${timeoutMs} ms; still missing:\n  ${missing.slice(0, 12).join('\n  ')}`)
  }

  /** What is not there yet: per peering pair, both legs and a gossip stream each way (as far as the nodes report streams). */
  private unmeshed (statuses: Record<string, NodeStatus>): string[] {
    const missing: string[] = []
    const peers = peersFromLegs(this.scenario.nodes.map(n => n.name), this.scenario.legs)
    for (const n of this.nodes()) {
      const s = statuses[n.spec.name]
      if (s == null) { missing.push(`${n.spec.name}: no status answer`); continue }
      for (const peer of this.nodes()) {
        if (peers.get(n.spec.name)?.includes(peer.spec.name) !== true) continue
        const legs = s.legs.filter(l => l.peer === peer.running.peerId)
        if (!legs.some(l => l.direction === 'outbound')) missing.push(`${n.spec.name}>${peer.spec.name}: no outbound leg at ${n.spec.name}`)
        if (!legs.some(l => l.direction === 'inbound')) missing.push(`${peer.spec.name}>${n.spec.name}: no inbound leg at ${n.spec.name}`)
        const gossipTo = gossipStreamMissing(n.spec.name, s, peer.spec.name, statuses[peer.spec.name], peer.running.peerId, n.running.peerId)
        if (gossipTo !== undefined) missing.push(gossipTo)
      }
    }
    return missing
  }

  /** No leg may bypass its proxy: every dialer-side remote address must be its leg's proxy. */
  private async assertEveryLegProxied (legs: RunLeg[]): Promise<void> {
    const statuses = await this.statuses()
    for (const n of this.nodes()) {
      for (const conn of statuses[n.spec.name]?.legs ?? []) {
        if (conn.direction !== 'outbound') continue
        const peerName = this.nameOf(conn.peer)
        const leg = legs.find(l => l.dialer === n.spec.name && l.listener === peerName)
        const remote = conn.remote.replace(/\/p2p\/.*$/, '')
        if (leg == null || remote !== leg.proxyAddr) {
          throw new DevnetSetupError(`leg ${n.spec.name}>${peerName ?? conn.peer} bypasses its proxy: dialer-side remote address ${remote}, proxy ${leg?.proxyAddr ?? '(none)'}`)
        }
      }
    }
  }
}

/**
 * Is n's gossip stream to peer missing? Read where it is reported (containers/CONTRACT.md, the
 * `unreported` declaration): n's own outbound gossip stream; else, when n declares that it does
 * not report streams, the peer's inbound one from n; else, when neither does, n's gossipsub
 * knowing the peer (gossipPeers), the most a black-box pair shows.
 */
export function gossipStreamMissing (name: string, s: NodeStatus, peerName: string, peerStatus: NodeStatus | undefined, peerId: string, selfId: string): string | undefined {
  const reportsStreams = (x: NodeStatus | undefined): boolean => x != null && !(x.unreported ?? []).includes('streams')
  if (reportsStreams(s)) {
    const gossip = s.legs.filter(l => l.peer === peerId).flatMap(l => l.streams.map(st => st.gossip))
    return gossip.includes('outbound') ? undefined : `${name}->${peerName}: no outbound gossip stream`
  }
  if (reportsStreams(peerStatus)) {
    const gossip = peerStatus!.legs.filter(l => l.peer === selfId).flatMap(l => l.streams.map(st => st.gossip))
    return gossip.includes('inbound') ? undefined : `${name}->${peerName}: no inbound gossip stream at ${peerName} (${name} does not report streams)`
  }
  return s.gossipPeers.includes(peerId) ? undefined : `${name}->${peerName}: ${peerName} is not among ${name}'s gossip peers (neither reports streams)`
}

function defaultAction (kind: FaultActionSpec['kind']): FaultActionSpec {
  switch (kind) {
    case 'flap': return { kind, times: 1, downMs: 500, upMs: 500 }
    case 'blackhole': return { kind, direction: 'both' }
    case 'latency': return { kind, ms: 100, jitterMs: 0, direction: 'both' }
    case 'loss': return { kind, probability: 0.3, direction: 'both' }
    case 'bandwidth': return { kind, kbps: 10, direction: 'both' }
    case 'close': return { kind, abort: false }
    case 'stall': return { kind, direction: 'both', maxBytes: DEFAULTS.stallMaxBytes }
    case 'burst-loss': return { kind, ...DEFAULTS.burstLoss, direction: 'both' }
    default: return { kind }
  }
}

function engineFor (transport: TransportName): EngineKind {
  return transport === 'quic' ? 'udp' : 'toxiproxy'
}

async function createRuntime (name: RuntimeName, dir: string, runId: string, log: ((line: string) => void) | undefined, logger: Logger, nodesPerProcess: number): Promise<Runtime> {
  if (name === 'process') return new ProcessRuntime({ dir, nodesPerProcess })
  // loaded only when asked for: dockerode and testcontainers add start-up time a process run does not need
  if (name === 'swarm') return new (await import('../runtime/swarm-runtime.ts')).SwarmRuntime({ dir, runId, logger, ...(log != null ? { log } : {}) })
  const { DockerRuntime } = await import('../runtime/docker-runtime.ts')
  return new DockerRuntime({ dir, runId, logger, ...(log != null ? { log } : {}) })
}
