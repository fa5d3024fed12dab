/**
 * The `GET /v1/status` shape every implementation answers (containers/CONTRACT.md
 * section 7). The TS node is the reference implementation, so its types are the contract's.
 */
export type { NodeStatus, LegStatus, StreamStatus } from '../../containers/ts-node/status.ts'

/** Every node's status at one moment, plus who is who. */
export interface StatusSnapshot {
  ts: number
  /** by node name */
  statuses: Record<string, import('../../containers/ts-node/status.ts').NodeStatus>
  /** peer id -> node name */
  names: Record<string, string>
}
