/**
 * The base every meshflap image builds FROM. In order:
 *
 *   1. the configured base (default debian:bookworm-slim) if the engine has it
 *   2. the same, pulled, if a registry answers within pullTimeoutMs
 *   3. meshflap/base:bookworm, built earlier on this engine
 *   4. meshflap/base:bookworm, built now: debootstrap --variant=minbase from Debian's
 *      mirror into a temp folder, trimmed, `tar | POST /images/create?fromSrc=-`
 *
 * Step 4 takes a minute or two, once per engine; it needs root (debootstrap chroots).
 */
import { spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, delimiter, join } from 'node:path'
import type Docker from 'dockerode'
import type { Logger } from '../cli/logger.ts'
import { LABEL_IMAGE } from './docker-labels.ts'
import type { DockerSettings } from './docker-settings.ts'

export const LOCAL_BASE_IMAGE = 'meshflap/base:bookworm'
export const BUILD_BASE_COMMAND = 'sudo node_modules/.bin/node ci/docker/build-base.ts'

export class BaseImageError extends Error {
  override name = 'BaseImageError'
}

/** The base image chosen, and how it was found. */
export interface BaseImage {
  ref: string
  /** image id (sha256:...), part of every derived image's content hash */
  id: string
  source: 'configured' | 'pulled' | 'local-base' | 'built'
  ms: number
}

export interface BaseImageOptions {
  signal?: AbortSignal
  /** progress lines ("pulling ...", "building ...") */
  log?: (line: string) => void
  /** diagnostics: which base was chosen and why */
  logger?: Logger
}

export async function resolveBaseImage (docker: Docker, settings: DockerSettings, options: BaseImageOptions = {}): Promise<BaseImage> {
  const t0 = performance.now()
  const done = (ref: string, id: string, source: BaseImage['source']): BaseImage => {
    const base = { ref, id, source, ms: Math.round(performance.now() - t0) }
    options.logger?.debug(base, 'docker base image resolved')
    return base
  }
  const configured = await imageId(docker, settings.baseImage)
  if (configured !== undefined) return done(settings.baseImage, configured, 'configured')
  const pullError = settings.pullTimeoutMs > 0 ? await tryPull(docker, settings.baseImage, settings.pullTimeoutMs, options.signal) : 'pulls disabled'
  if (pullError === undefined) {
    const pulled = await imageId(docker, settings.baseImage)
    if (pulled !== undefined) return done(settings.baseImage, pulled, 'pulled')
  }
  const why = `${settings.baseImage} is not on the engine and cannot be pulled (${pullError ?? 'pulled, then missing'})`
  const local = await imageId(docker, LOCAL_BASE_IMAGE)
  if (local !== undefined) {
    options.log?.(`base image ${LOCAL_BASE_IMAGE}: ${why}`)
    return done(LOCAL_BASE_IMAGE, local, 'local-base')
  }
  options.log?.(`${why}: building ${LOCAL_BASE_IMAGE} with debootstrap (once, 1-3 min)`)
  const built = await buildLocalBase(docker, settings.debianMirror, options)
  return done(LOCAL_BASE_IMAGE, built, 'built')
}

/** The image's id, or undefined when the engine does not have it. */
export async function imageId (docker: Docker, ref: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(ref).inspect()).Id
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined
    throw err
  }
}

/** Pulls within the time limit; returns why it failed, or undefined when it worked. */
async function tryPull (docker: Docker, ref: string, timeoutMs: number, signal?: AbortSignal): Promise<string | undefined> {
  const timeout = AbortSignal.timeout(timeoutMs)
  const abortSignal = signal === undefined ? timeout : AbortSignal.any([timeout, signal])
  try {
    const stream = await docker.pull(ref, { abortSignal }) as NodeJS.ReadableStream
    await followProgress(docker, stream, abortSignal)
    return undefined
  } catch (err) {
    signal?.throwIfAborted()
    if (timeout.aborted) return `no answer within ${timeoutMs} ms`
    // the engine's message ends with the registry's, e.g. "... lookup registry-1.docker.io ...: no such host"
    return (err as Error).message.split('\n')[0]?.replace(/^\(HTTP code \d+\) server error - /, '').trim() ?? 'pull failed'
  }
}

/**
 * Builds meshflap/base:bookworm with debootstrap (Debian's package) and imports it.
 * Returns the new image id.
 */
export async function buildLocalBase (docker: Docker, mirror: string, options: BaseImageOptions = {}): Promise<string> {
  if (process.getuid?.() !== 0) {
    throw new BaseImageError(`building ${LOCAL_BASE_IMAGE} needs root (debootstrap chroots): run \`${BUILD_BASE_COMMAND}\` once, or make a base image pullable (MESHFLAP_DOCKER_BASE_IMAGE)`)
  }
  const dir = await mkdtemp(join(tmpdir(), 'meshflap-base-'))
  const rootfs = join(dir, 'rootfs')
  try {
    options.log?.(`debootstrap --variant=minbase bookworm from ${mirror} ...`)
    await run(findExecutable('debootstrap'), ['--variant=minbase', 'bookworm', rootfs, mirror], options.signal)
    // docs, man pages and apt's downloads are dead weight in every image
    for (const sub of ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'var/cache/apt/archives', 'var/lib/apt/lists']) {
      await rm(join(rootfs, sub), { recursive: true, force: true })
    }
    options.log?.(`importing ${LOCAL_BASE_IMAGE} ...`)
    const tar = spawn('tar', ['--numeric-owner', '-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] })
    const tarFailed = exitOf(tar, 'tar', false)
    const [repo, tag] = LOCAL_BASE_IMAGE.split(':')
    const progress = await docker.importImage(tar.stdout, {
      repo,
      tag,
      changes: [
        `LABEL ${LABEL_IMAGE}=base meshflap.base=debian-bookworm-minbase`,
        'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        'CMD ["/bin/bash"]'
      ]
    })
    await followProgress(docker, progress, options.signal)
    await tarFailed
    const id = await imageId(docker, LOCAL_BASE_IMAGE)
    if (id === undefined) throw new BaseImageError(`import of ${LOCAL_BASE_IMAGE} reported no error, but the engine does not have it`)
    return id
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Reads a progress stream to its end; an `error` item becomes an exception. */
export async function followProgress (docker: Docker, stream: NodeJS.ReadableStream, signal?: AbortSignal, onItem?: (item: ProgressItem) => void): Promise<ProgressItem[]> {
  return await new Promise<ProgressItem[]>((resolve, reject) => {
    const onAbort = (): void => { (stream as unknown as { destroy?: () => void }).destroy?.(); reject(signal?.reason as Error) }
    signal?.addEventListener('abort', onAbort, { once: true })
    docker.modem.followProgress(stream, (err: Error | null, items: ProgressItem[]) => {
      signal?.removeEventListener('abort', onAbort)
      const failed = items?.find(i => i.error !== undefined || i.errorDetail !== undefined)
      if (err != null) reject(err)
      else if (failed !== undefined) reject(new BaseImageError(failed.error ?? failed.errorDetail?.message ?? 'engine reported an error'))
      else resolve(items)
    }, onItem)
  })
}

/** One line of the engine's JSON progress stream (pull, build, import). */
export interface ProgressItem {
  stream?: string
  status?: string
  error?: string
  errorDetail?: { message?: string }
  aux?: { ID?: string }
}

/** debootstrap lives in /usr/sbin, which a user's PATH may lack */
function findExecutable (name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin']
  for (const dir of dirs) {
    if (dir === '') continue
    try { accessSync(join(dir, name), constants.X_OK); return join(dir, name) } catch { /* not here */ }
  }
  return name // spawn reports ENOENT, which names the package to install
}

async function run (cmd: string, args: string[], signal?: AbortSignal): Promise<void> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], signal })
  await exitOf(child, cmd, true)
}

async function exitOf (child: ReturnType<typeof spawn>, what: string, readStdout: boolean): Promise<void> {
  const lines: string[] = []
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter(l => l.trim() !== ''))
    lines.splice(0, Math.max(0, lines.length - 20))
  }
  // tar's stdout is the image itself: only its stderr is diagnostics
  if (readStdout) child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  await new Promise<void>((resolve, reject) => {
    child.once('error', err => {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
      const pkg = basename(what)
      reject(new BaseImageError(missing ? `${pkg} is not installed (Debian: sudo apt-get install -y ${pkg})` : `${what}: ${err.message}`))
    })
    child.once('close', code => {
      if (code === 0) resolve()
      else reject(new BaseImageError(`${what} exited with code ${code}:\n${lines.map(l => `  | ${l}`).join('\n')}`))
    })
  })
}
