/**
 * `meshflap setup`: builds what a run needs besides npm packages into set-up's
 * folder (util/paths.ts toolPaths: `.tools` in a checkout, else MESHFLAP_CACHE_DIR
 * or ~/.cache/meshflap; never node_modules):
 *
 *   toxiproxy-server  go install github.com/Shopify/toxiproxy/v2/cmd/server@v2.12.0
 *   each implementation's own build step (harness/impls/: the Go peer, ...), from the
 *   sources shipped with the package
 *
 * Each is rebuilt only when its stamp changes (toxiproxy's version; an implementation's
 * recipe and source hash), the same stamps ci/setup.mjs and ci/build-impls.ts write in a
 * checkout, so either may build.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BuildToolMissingError, runBuildStep } from '../impls/build.ts'
import { IMPLEMENTATIONS } from '../impls/index.ts'
import { PROJECT_ROOT, toolPaths } from '../util/paths.ts'
import type { ToolPaths } from '../util/paths.ts'

export const TOXIPROXY_VERSION = 'v2.12.0'

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
  /** implementations outside the default matrix whose build tool is missing: "<binary>: <how to get the tool>" */
  skipped: string[]
}

export function setupTools (options: SetupOptions = {}): SetupResult {
  const env = options.env ?? process.env
  const root = options.root ?? PROJECT_ROOT
  const tools = options.tools ?? toolPaths(env, root)
  const say = options.say ?? (() => {})
  const result: SetupResult = { tools, built: [], upToDate: [], skipped: [] }
  mkdirSync(tools.bin, { recursive: true })

  const target = tools.toxiproxy
  const stampFile = join(tools.dir, 'toxiproxy-server.stamp')
  if (existsSync(target) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === TOXIPROXY_VERSION) {
    result.upToDate.push('toxiproxy-server')
  } else {
    requireGo('toxiproxy-server')
    say(`building toxiproxy-server into ${tools.bin} ...`)
    try {
      execFileSync('go', ['install', `github.com/Shopify/toxiproxy/v2/cmd/server@${TOXIPROXY_VERSION}`], { cwd: tools.dir, env: { ...env, GOBIN: tools.bin }, stdio: ['ignore', 'inherit', 'inherit'] })
    } catch (err) {
      throw new SetupError(`go install of toxiproxy-server ${TOXIPROXY_VERSION} failed: ${(err as Error).message}`)
    }
    renameSync(join(tools.bin, 'server'), target)
    writeFileSync(stampFile, TOXIPROXY_VERSION)
    result.built.push('toxiproxy-server')
  }

  for (const impl of IMPLEMENTATIONS) {
    if (impl.build === undefined) continue
    try {
      const built = runBuildStep(impl.build, { root, tools: tools.dir, say: line => { say(`${line.replace(/ \.\.\.$/, '')} into ${tools.bin} ...`) } })
      ;(built ? result.built : result.upToDate).push(impl.build.binary)
    } catch (err) {
      const message = err instanceof BuildToolMissingError ? err.message.replace('npm run setup', tools.setupCommand) : undefined
      // an implementation only some runs ask for (--impl rust) must not stop a team without its toolchain
      if (message !== undefined && !impl.inDefaultMatrix) { result.skipped.push(`${impl.build.binary}: ${message}`); continue }
      if (message !== undefined) throw new SetupError(message)
      throw new SetupError(`building ${impl.build.binary} failed: ${(err as Error).message}`)
    }
  }
  return result
}

function requireGo (what: string): void {
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0) return
  throw new SetupError(`Go is needed to build ${what}. Install Go 1.22 or newer (Debian: apt-get install golang-go, or https://go.dev/dl) and run this again.`)
}
