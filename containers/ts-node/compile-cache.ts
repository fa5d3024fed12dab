/**
 * Where the TS node keeps Node's module compile cache: `node-compile-cache` in
 * meshflap's cache folder, the folder harness/util/paths.ts (toolPaths) chooses:
 * MESHFLAP_CACHE_DIR when set, `.tools` in a checkout, else
 * $XDG_CACHE_HOME/meshflap or ~/.cache/meshflap. NODE_COMPILE_CACHE, when set, wins
 * (Node's own override). Worked out here rather than imported: paths.ts looks for
 * meshflap's package.json when imported, and a node's image has none.
 *
 * The cache is keyed by Node version and file content, so a stale entry is never used;
 * nodes started together share it.
 */
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, sep } from 'node:path'

/** `here`: this folder (containers/ts-node, or dist/containers/ts-node in a package) */
export function compileCacheDir (env: NodeJS.ProcessEnv, here: string): string {
  const given = env.NODE_COMPILE_CACHE?.trim() ?? ''
  if (given !== '') return given
  const root = join(here, '..', '..')
  const cacheDir = env.MESHFLAP_CACHE_DIR?.trim() ?? ''
  // the same checkout test as paths.ts isInstalledPackage
  const checkout = !root.split(sep).includes('node_modules') && existsSync(join(root, 'tsconfig.json'))
  const dir = cacheDir !== '' ? cacheDir : checkout ? join(root, '.tools') : join(env.XDG_CACHE_HOME?.trim() || join(homedir(), '.cache'), 'meshflap')
  return join(dir, 'node-compile-cache')
}
