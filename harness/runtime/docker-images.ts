/**
 * meshflap's images, built by the harness from containers/<name>/Dockerfile and a
 * context holding only each image's inputs, tagged with a content hash of those
 * inputs: an unchanged image is never rebuilt.
 *
 *   spec ──entries()──> context entries ──contentHash(+Dockerfile, base id)──> meshflap/<name>:<hash16>
 *     engine has the tag? ── yes: cached (no upload, no build)
 *                         └─ no:  tar ──POST /build (BASE_IMAGE=<base>)──> tagged + labelled image
 */
import { existsSync, readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join } from 'node:path'
import type Docker from 'dockerode'
import type { Logger } from '../cli/logger.ts'
import { IMPLEMENTATIONS } from '../impls/index.ts'
import type { ImplImage } from '../impls/index.ts'
import { PROJECT_ROOT, toolPaths } from '../util/paths.ts'
import { contentHash, fileEntry, HashCache, packContext } from './docker-build-context.ts'
import { nodeProgram } from './docker-node-program.ts'
import type { ContextEntry } from './docker-build-context.ts'
import { followProgress, imageId } from './docker-base-image.ts'
import type { BaseImage, ProgressItem } from './docker-base-image.ts'
import { LABEL_IMAGE, LABEL_INPUTS } from './docker-labels.ts'

/** The fault engines' images; each implementation's image comes from its module (harness/impls/). */
const ENGINE_IMAGES = ['udp-proxy', 'toxiproxy'] as const
const IMPL_IMAGES: readonly ImplImage[] = IMPLEMENTATIONS.flatMap(i => i.image !== undefined ? [i.image] : [])

/** an engine image or an implementation's (its module's `image.name`) */
export type ImageName = string
export const IMAGE_NAMES: readonly ImageName[] = [...IMPL_IMAGES.map(i => i.name), ...ENGINE_IMAGES]

export class ImageBuildError extends Error {
  override name = 'ImageBuildError'
}

/** How to build one image: its Dockerfile and the entries of its context. */
export interface ImageSpec {
  /** meshflap's images are ImageName; tests build their own */
  name: string
  /** project-relative */
  dockerfile: string
  /** the files the image needs (besides the Dockerfile); throws with a fix when one is missing */
  entries: (root: string) => Promise<ContextEntry[]>
}

/** An image ready on the engine. */
export interface BuiltImage {
  name: string
  /** meshflap/<name>:<hash16> */
  ref: string
  id: string
  /** true when the engine already had it (nothing was sent or built) */
  cached: boolean
  /** wall time of ensureImage, hashing included */
  ms: number
  /** bytes of context sent to the engine (0 when cached) */
  contextBytes: number
}

export interface EnsureImageOptions {
  root?: string
  signal?: AbortSignal
  log?: (line: string) => void
  /** diagnostics: cache hit or build, context size, time */
  logger?: Logger
}

export function imageSpec (name: ImageName): ImageSpec {
  if (name === 'udp-proxy') return { name, dockerfile: 'containers/udp-proxy/Dockerfile', entries: async root => await nodeProgram(root, ['harness/faults/udp-proxy/bin.ts'], []) }
  // set-up's binaries: .tools in a checkout, the cache directory for an installed package (util/paths.ts)
  if (name === 'toxiproxy') return { name, dockerfile: 'containers/toxiproxy/Dockerfile', entries: async () => [await binary('', toolPaths().toxiproxy, 'bin/toxiproxy-server', toolPaths().setupCommand)] }
  const impl = IMPL_IMAGES.find(i => i.name === name)
  if (impl === undefined) throw new ImageBuildError(`no image "${name}" (meshflap's images: ${IMAGE_NAMES.join(', ')})`)
  return implImageSpec(impl)
}

/** An implementation's image, from the recipe in its module. */
export function implImageSpec (image: ImplImage): ImageSpec {
  const { inputs } = image
  return {
    name: image.name,
    dockerfile: image.dockerfile,
    entries: inputs.kind === 'node-program'
      ? async root => await nodeProgram(root, inputs.entryFiles, jsonBeside(root))
      : async root => [await binary(root, setupOutput(inputs.file), inputs.contextPath, toolPaths().setupCommand)]
  }
}

/** An image's inputs and the tag they give, before anything is built. */
export interface ImagePlan {
  spec: ImageSpec
  entries: ContextEntry[]
  buildArgs: Record<string, string>
  /** sha256 of the inputs */
  hash: string
  /** meshflap/<name>:<hash16> */
  ref: string
}

/** Lists the image's context and hashes it (no engine call). */
export async function planImage (spec: ImageSpec, base: BaseImage, root: string = PROJECT_ROOT): Promise<ImagePlan> {
  const dockerfilePath = join(root, spec.dockerfile)
  if (!existsSync(dockerfilePath)) throw new ImageBuildError(`image ${spec.name}: ${spec.dockerfile} does not exist`)
  const dockerfile = await readFile(dockerfilePath, 'utf8')
  const entries = [...await spec.entries(root), { path: 'Dockerfile', content: dockerfile, mode: 0o644 }]
  const buildArgs = { BASE_IMAGE: base.ref }
  const cache = new HashCache(join(toolPaths(process.env, root).dir, 'docker', 'hash-cache.json'))
  const hash = await contentHash(entries, JSON.stringify({ image: spec.name, baseId: base.id, buildArgs }), cache)
  return { spec, entries, buildArgs, hash, ref: `meshflap/${spec.name}:${hash.slice(0, 16)}` }
}

/** The image's tag on the engine, building it only when its inputs changed. */
export async function ensureImage (docker: Docker, spec: ImageSpec, base: BaseImage, options: EnsureImageOptions = {}): Promise<BuiltImage> {
  const t0 = performance.now()
  const { entries, buildArgs, hash, ref } = await planImage(spec, base, options.root)
  const done = (id: string, cached: boolean, contextBytes: number): BuiltImage => ({ name: spec.name, ref, id, cached, ms: Math.round(performance.now() - t0), contextBytes })

  const existing = await imageId(docker, ref)
  if (existing !== undefined) {
    options.logger?.debug({ image: spec.name, ref, files: entries.length, ms: Math.round(performance.now() - t0) }, 'docker image up to date (content hash unchanged), not built')
    return done(existing, true, 0)
  }
  options.logger?.debug({ image: spec.name, ref, files: entries.length, base: base.ref }, 'docker image build starting')

  options.log?.(`building ${ref} (${entries.length} files, FROM ${base.ref}) ...`)
  const context = packContext(entries)
  let contextBytes = 0
  context.on('data', (chunk: Buffer) => { contextBytes += chunk.length })
  const output: string[] = []
  const keep = (item: ProgressItem): void => {
    for (const line of (item.stream ?? item.status ?? '').split('\n')) if (line.trim() !== '') output.push(line.trimEnd())
    output.splice(0, Math.max(0, output.length - 30))
  }
  try {
    const progress = await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
      t: ref,
      dockerfile: 'Dockerfile',
      buildargs: buildArgs,
      labels: { [LABEL_IMAGE]: spec.name, [LABEL_INPUTS]: hash },
      rm: true,
      forcerm: true,
      abortSignal: options.signal
    } as Docker.ImageBuildOptions)
    await followProgress(docker, progress, options.signal, keep)
  } catch (err) {
    options.signal?.throwIfAborted()
    throw new ImageBuildError(`image ${spec.name}: build failed: ${(err as Error).message}\n${output.map(l => `  | ${l}`).join('\n')}`)
  }
  const id = await imageId(docker, ref)
  if (id === undefined) throw new ImageBuildError(`image ${spec.name}: the build ended without error but ${ref} is not on the engine\n${output.map(l => `  | ${l}`).join('\n')}`)
  await pruneOlder(docker, spec.name, id)
  const built = done(id, false, contextBytes)
  options.logger?.debug({ image: spec.name, ref, id, contextBytes, ms: built.ms }, 'docker image built')
  return built
}

/**
 * Removes earlier builds of the same image (other content hashes) that no container
 * uses, so edits to the sources do not pile up images. Failures are ignored: an image
 * in use stays.
 */
async function pruneOlder (docker: Docker, name: string, keepId: string): Promise<void> {
  const images = await docker.listImages({ filters: { label: [`${LABEL_IMAGE}=${name}`] } })
  for (const image of images) {
    if (image.Id === keepId) continue
    try { await docker.getImage(image.Id).remove() } catch { /* in use, or removed by another harness */ }
  }
}

/** An implementation's set-up binary, written as `.tools/...`: set-up's folder for this environment (util/paths.ts). */
function setupOutput (file: string): string {
  return file.startsWith('.tools/') ? join(toolPaths().dir, file.slice('.tools/'.length)) : file
}

/** A file by root-relative or absolute path. */
async function binary (root: string, file: string, contextPath: string, fix: string): Promise<ContextEntry> {
  const path = isAbsolute(file) ? file : join(root, file)
  if (!existsSync(path)) throw new ImageBuildError(`${path} is missing: run \`${fix}\``)
  return await fileEntry(dirname(path), basename(path), contextPath)
}

/** containers/*.json (the contract's schema and friends) */
function jsonBeside (root: string): string[] {
  return readdirSync(join(root, 'containers')).filter(n => n.endsWith('.json')).map(n => `containers/${n}`)
}
