/**
 * Where meshflap's own files live, resolved from this module (never from the caller's cwd),
 * the same way in a git checkout (TypeScript sources) and in an installed package
 * (compiled JavaScript under dist/):
 *
 *   checkout:  <repo>/harness/util/paths.ts                     PROJECT_ROOT = <repo>
 *   package:   node_modules/meshflap/dist/harness/util/paths.js PROJECT_ROOT = node_modules/meshflap
 *
 * and where set-up puts the binaries it builds (toolPaths): `.tools/` in a checkout, a cache
 * directory the user sees and may move (MESHFLAP_CACHE_DIR, default ~/.cache/meshflap) for an
 * installed package, never inside node_modules.
 */
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The nearest folder above this module whose package.json is meshflap's. */
function findPackageRoot (from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'meshflap') return dir
    } catch { /* no package.json here */ }
    if (dirname(dir) === dir) throw new Error(`meshflap's package.json not found above ${from}`)
  }
}

const HERE = dirname(fileURLToPath(import.meta.url))
/** "ts" when running from sources, "js" when compiled (dist/) */
const EXT = import.meta.url.endsWith('.ts') ? 'ts' : 'js'

export const PROJECT_ROOT = findPackageRoot(HERE) + sep
/** The TS reference node's entry point: the source in a checkout, the compiled file in a package. */
export const TS_NODE_MAIN = join(HERE, '..', '..', 'containers', 'ts-node', `main.${EXT}`)
/** The TS node host's entry point (several TS nodes in one process: containers/ts-node/host-main.ts). */
export const TS_NODE_HOST = join(HERE, '..', '..', 'containers', 'ts-node', `host.${EXT}`)

/** Where set-up's binaries and stamps are, and how a person (re)builds them. */
export interface ToolPaths {
  /** .tools in a checkout, else MESHFLAP_CACHE_DIR or ~/.cache/meshflap */
  dir: string
  bin: string
  toxiproxy: string
  goPeer: string
  /** why this folder: "checkout", "MESHFLAP_CACHE_DIR" or "user cache" */
  source: 'checkout' | 'MESHFLAP_CACHE_DIR' | 'user cache'
  /** the command that builds what is missing */
  setupCommand: string
}

/** True when meshflap runs from an installed package (its real path is inside a node_modules). */
export function isInstalledPackage (root: string = PROJECT_ROOT): boolean {
  return root.split(sep).includes('node_modules') || !existsSync(join(root, 'tsconfig.json'))
}

/** Set-up's folders for this environment (read when called, never at import). */
export function toolPaths (env: NodeJS.ProcessEnv = process.env, root: string = PROJECT_ROOT): ToolPaths {
  const installed = isInstalledPackage(root)
  const given = env.MESHFLAP_CACHE_DIR?.trim() ?? ''
  const source = given !== '' ? 'MESHFLAP_CACHE_DIR' : installed ? 'user cache' : 'checkout'
  const dir = given !== '' ? given : installed ? join(env.XDG_CACHE_HOME?.trim() || join(homedir(), '.cache'), 'meshflap') : join(root, '.tools')
  const bin = join(dir, 'bin')
  return {
    dir,
    bin,
    toxiproxy: join(bin, 'toxiproxy-server'),
    goPeer: join(bin, 'meshflap-go-peer'),
    source,
    setupCommand: installed ? 'npx meshflap setup' : 'npm run setup'
  }
}
