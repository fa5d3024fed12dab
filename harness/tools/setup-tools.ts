/**
 * `meshflap setup`: builds what a run needs besides npm packages, with Go, into
 * set-up's folder (util/paths.ts toolPaths: `.tools` in a checkout, else
 * MESHFLAP_CACHE_DIR or ~/.cache/meshflap; never node_modules):
 *
 *   toxiproxy-server  go install github.com/Shopify/toxiproxy/v2/cmd/server@v2.12.0
 *   meshflap-go-peer  go build (static) from containers/go-peer, shipped with the package
 *
 * Each is rebuilt only when its stamp changes (the version; the Go peer's source hash and
 * build flags), the same stamps ci/setup.mjs writes in a checkout, so either may build.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PROJECT_ROOT, toolPaths } from '../util/paths.ts'
import type { ToolPaths } from '../util/paths.ts'

export const TOXIPROXY_VERSION = 'v2.12.0'
/** Static (no cgo), so the binary also runs in the go-peer image on any base */
const GO_PEER_BUILD = ['build', '-trimpath', '-ldflags=-s -w', '-o']

export class SetupError extends Error {
  override name = 'SetupError'
}

export interface SetupOptions {
  tools?: ToolPaths
  root?: string
  env?: NodeJS.ProcessEnv
  /** progress lines for a person */
  say?: (line: string) => void
}

export interface SetupResult {
  tools: ToolPaths
  built: string[]
  upToDate: string[]
}

export function setupTools (options: SetupOptions = {}): SetupResult {
  const env = options.env ?? process.env
  const root = options.root ?? PROJECT_ROOT
  const tools = options.tools ?? toolPaths(env, root)
  const say = options.say ?? (() => {})
  const result: SetupResult = { tools, built: [], upToDate: [] }
  const goDir = join(root, 'containers', 'go-peer')
  const steps: Array<{ name: string, stamp: string, build: (target: string) => void }> = [
    {
      name: 'toxiproxy-server',
      stamp: TOXIPROXY_VERSION,
      build: target => {
        go(['install', `github.com/Shopify/toxiproxy/v2/cmd/server@${TOXIPROXY_VERSION}`], { cwd: tools.dir, env: { ...env, GOBIN: tools.bin } })
        renameSync(join(tools.bin, 'server'), target)
      }
    },
    {
      name: 'meshflap-go-peer',
      stamp: `CGO_ENABLED=0 go ${GO_PEER_BUILD.join(' ')} ${goSourceHash(goDir)}`,
      build: target => { go([...GO_PEER_BUILD, target, '.'], { cwd: goDir, env: { ...env, CGO_ENABLED: '0' } }) }
    }
  ]
  mkdirSync(tools.bin, { recursive: true })
  for (const step of steps) {
    const target = join(tools.bin, step.name)
    const stampFile = join(tools.dir, `${step.name}.stamp`)
    if (existsSync(target) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === step.stamp) {
      result.upToDate.push(step.name)
      continue
    }
    requireGo(step.name)
    say(`building ${step.name} into ${tools.bin} ...`)
    step.build(target)
    writeFileSync(stampFile, step.stamp)
    result.built.push(step.name)
  }
  return result
}

/** sha256 over go.mod, go.sum, *.go and the embedded schema copy (*.json), as ci/setup.mjs computes it. */
export function goSourceHash (dir: string): string {
  const h = createHash('sha256')
  const files = readdirSync(dir).filter(f => f === 'go.mod' || f === 'go.sum' || f.endsWith('.go') || f.endsWith('.json')).sort()
  for (const f of files) h.update(f).update('\0').update(readFileSync(join(dir, f))).update('\0')
  return h.digest('hex')
}

function requireGo (what: string): void {
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0) return
  throw new SetupError(`Go is needed to build ${what}. Install Go 1.22 or newer (Debian: apt-get install golang-go, or https://go.dev/dl) and run this again.`)
}

function go (args: string[], options: { cwd: string, env: NodeJS.ProcessEnv }): void {
  try {
    execFileSync('go', args, { ...options, stdio: ['ignore', 'inherit', 'inherit'] })
  } catch (err) {
    throw new SetupError(`go ${args.join(' ')} failed (in ${options.cwd}): ${(err as Error).message}`)
  }
}
