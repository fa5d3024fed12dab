/**
 * The run's own Docker network: a user-defined bridge, `internal` (no route out
 * of it: containers reach each other and nothing else), labelled with the run.
 *
 *   host (harness) ── bridge gateway <net>.1 ──┬── node A   (alias "A")
 *                                              ├── node B   (alias "B")
 *                                              ├── toxiproxy, udp-proxy
 *
 * An internal network gets no published ports, but the host owns the bridge's
 * gateway address, so the harness reaches control APIs on container IPs directly.
 * Created with dockerode: testcontainers' Network takes neither labels nor `internal`.
 */
import type Docker from 'dockerode'

/** A created network; remove() after its containers are gone. */
export interface RunNetwork {
  id: string
  name: string
  remove: () => Promise<void>
}

export async function createRunNetwork (docker: Docker, name: string, labels: Record<string, string>): Promise<RunNetwork> {
  const network = await docker.createNetwork({
    Name: name,
    Driver: 'bridge',
    Internal: true,
    CheckDuplicate: true,
    Attachable: false,
    EnableIPv6: false,
    Labels: labels
  })
  return {
    id: network.id,
    name,
    remove: async () => {
      await network.remove().catch((err: unknown) => {
        if ((err as { statusCode?: number }).statusCode !== 404) throw err
      })
    }
  }
}
