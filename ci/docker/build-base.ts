/**
 * Builds (or rebuilds with --force) meshflap/base:bookworm, the local Debian base
 * used when no registry can give the configured base image. Needs root.
 *
 *   sudo node_modules/.bin/node ci/docker/build-base.ts [--force]
 *
 * Prints one JSON line: {"image": ..., "id": ..., "ms": ...}.
 */
import { buildLocalBase, imageId, LOCAL_BASE_IMAGE } from '../../harness/runtime/docker-base-image.ts'
import { dockerClient, requireEngine } from '../../harness/runtime/docker-engine.ts'
import { dockerSettingsFromEnv } from '../../harness/runtime/docker-settings.ts'

const docker = dockerClient()
await requireEngine(docker)
const settings = dockerSettingsFromEnv()
const t0 = performance.now()
let id = process.argv.includes('--force') ? undefined : await imageId(docker, LOCAL_BASE_IMAGE)
if (id === undefined) id = await buildLocalBase(docker, settings.debianMirror, { log: line => { process.stderr.write(`[build-base] ${line}\n`) } })
process.stdout.write(JSON.stringify({ image: LOCAL_BASE_IMAGE, id, ms: Math.round(performance.now() - t0) }) + '\n')
