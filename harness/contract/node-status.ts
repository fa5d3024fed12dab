/**
 * The `GET /v1/status` shape every implementation answers (containers/CONTRACT.md
 * section 7). The TS node is the reference implementation, so its types are the contract's.
 */
export type { NodeStatus, LegStatus, StreamStatus } from '../../containers/ts-node/status.ts'
