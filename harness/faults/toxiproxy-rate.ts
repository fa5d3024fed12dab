/** Toxiproxy's bandwidth toxic counts whole kilobytes per second; scenarios write kilobits. */
export const KBPS_PER_TOXIPROXY_RATE = 8

/** The toxiproxy bandwidth rate (KB/s) for a scenario's kbit/s. */
export function toxiproxyRate (kbps: number): number {
  return Math.round(kbps / KBPS_PER_TOXIPROXY_RATE)
}
