/**
 * Builds meshflap's images ahead of the first docker run, and measures it.
 *
 *   node_modules/.bin/node ci/docker/build-images.ts [--cold] [--cold-base] [--images ts-node,udp-proxy,...]
 *
 * --cold       removes meshflap's images first (not the base): a cold image build
 * --cold-base  also removes meshflap/base:bookworm (rebuilt with debootstrap; root)
 * Prints one JSON line per step: the base image, then each image twice (build, cached check).
 */
import { LOCAL_BASE_IMAGE, resolveBaseImage } from '../../harness/runtime/docker-base-image.ts'
import { dockerClient, requireEngine } from '../../harness/runtime/docker-engine.ts'
import { ensureImage, IMAGE_NAMES, imageSpec } from '../../harness/runtime/docker-images.ts'
import type { ImageName } from '../../harness/runtime/docker-images.ts'
import { LABEL_IMAGE } from '../../harness/runtime/docker-labels.ts'
import { dockerSettingsFromEnv } from '../../harness/runtime/docker-settings.ts'

const args = process.argv.slice(2)
const listed = args[args.indexOf('--images') + 1]
const names = (args.includes('--images') && listed !== undefined ? listed.split(',') : IMAGE_NAMES) as ImageName[]
const log = (line: string): void => { process.stderr.write(`[build-images] ${line}\n`) }
const print = (o: object): void => { process.stdout.write(JSON.stringify(o) + '\n') }

const docker = dockerClient()
await requireEngine(docker)
if (args.includes('--cold') || args.includes('--cold-base')) {
  for (const image of await docker.listImages({ filters: { label: [LABEL_IMAGE] } })) {
    const isBase = (image.RepoTags ?? []).includes(LOCAL_BASE_IMAGE)
    if (isBase && !args.includes('--cold-base')) continue
    await docker.getImage(image.Id).remove({ force: true }).catch((err: unknown) => { log(`cannot remove ${image.Id}: ${(err as Error).message}`) })
  }
}
const base = await resolveBaseImage(docker, dockerSettingsFromEnv(), { log })
print({ step: 'base', ref: base.ref, source: base.source, ms: base.ms })
for (const name of names) {
  const built = await ensureImage(docker, imageSpec(name), base, { log })
  const again = await ensureImage(docker, imageSpec(name), base)
  print({ step: 'image', name, ref: built.ref, cached: built.cached, ms: built.ms, contextMB: Math.round(built.contextBytes / 1e5) / 10, cachedCheckMs: again.ms })
}
