/**
 * The harness's own timer-lateness probe: the same probe the TS node runs
 * (containers/ts-node/sched-probe.ts), recorded as `harness_sched` history
 * entries. The harness hosts the QUIC legs' UDP proxy (process runtime), the
 * fault schedule and the event readers, so when it is not scheduled every
 * direction is late at once; the environment judgement
 * (harness/oracles/environment.ts) reads these entries to tell that from a bug.
 */
import { SchedProbe } from '../../containers/ts-node/sched-probe.ts'
import type { HistoryEntry } from '../history/types.ts'

export function startHarnessProbe (record: (entry: HistoryEntry) => void): SchedProbe {
  const probe = new SchedProbe(w => { record({ kind: 'harness_sched', ts: Date.now(), ...w }) })
  probe.start()
  return probe
}
