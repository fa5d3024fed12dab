/**
 * Images on every swarm node without a registry: built once on the manager (docker-images.ts,
 * content-hashed), then `docker save | docker load` onto each other node's engine that lacks it.
 * Services name the image by id (sha256:...), which is the same on every engine after a load:
 * the swarm agent then neither tries a registry nor can it pick another build with the same tag.
 *
 *   manager: GET /images/<ref>/get ──tar stream──> node engine: POST /images/load   (only where /images/<id>/json is 404)
 */
import type Docker from 'dockerode'
import { imageId } from './docker-base-image.ts'
import type { SwarmHost } from './swarm-cluster.ts'

export class ImageDistributionError extends Error {
  override name = 'ImageDistributionError'
}

/** Loads `ref` (id `id`) onto every host whose engine lacks it; returns the hostnames it was loaded onto. */
export async function distributeImage (manager: Docker, ref: string, id: string, hosts: SwarmHost[], options: { signal?: AbortSignal, log?: (line: string) => void } = {}): Promise<string[]> {
  const loaded: string[] = []
  for (const host of hosts) {
    if (host.self) continue
    options.signal?.throwIfAborted()
    if (await imageId(host.docker, id) !== undefined) continue
    options.log?.(`loading ${ref} onto swarm node ${host.hostname} (docker save | docker load) ...`)
    try {
      const tar = await manager.getImage(ref).get()
      const progress = await host.docker.loadImage(tar, { quiet: true })
      await new Promise<void>((resolve, reject) => {
        host.docker.modem.followProgress(progress, (err: Error | null, items: Array<{ error?: string }>) => {
          const failed = err ?? items.find(i => i.error !== undefined)?.error
          if (failed == null) resolve()
          else reject(failed instanceof Error ? failed : new Error(failed))
        })
      })
    } catch (err) {
      throw new ImageDistributionError(`could not load ${ref} onto swarm node ${host.hostname}: ${(err as Error).message}`)
    }
    if (await imageId(host.docker, id) !== id) throw new ImageDistributionError(`loaded ${ref} onto swarm node ${host.hostname}, but its engine does not have image ${id}`)
    loaded.push(host.hostname)
  }
  return loaded
}
