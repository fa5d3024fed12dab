/**
 * Which project files and npm packages an image needs, so its build context holds
 * only those (and its content hash changes only when they do).
 *
 *   entry .ts ──relative imports──> more .ts/.json files      sourceClosure()
 *        └──bare imports──> package names ──package-lock.json──> installed package dirs
 *                                            (dependencies, optional, peer)   packageClosure()
 *
 * Imports are found with a pattern, not a parser: static `import`/`export ... from`,
 * side-effect imports and `import('literal')`. A computed dynamic import is not
 * followed; an image that needs one lists the file in its spec's extra files.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { builtinModules } from 'node:module'

export class SourceClosureError extends Error {
  override name = 'SourceClosureError'
}

/** Project files (relative to the root, '/'-separated) and the bare package names they import. */
export interface SourceClosure {
  files: string[]
  packages: string[]
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/gm
const BUILTINS = new Set(builtinModules)

/** Follows relative imports from the entry files; collects every bare package name on the way. */
export function sourceClosure (root: string, entries: string[]): SourceClosure {
  const files = new Set<string>()
  const packages = new Set<string>()
  const queue = entries.map(e => resolve(root, e))
  while (queue.length > 0) {
    const file = queue.pop() as string
    const rel = relative(root, file).split(sep).join('/')
    if (rel.startsWith('..')) throw new SourceClosureError(`${file} is outside the project root ${root}`)
    if (files.has(rel)) continue
    if (!existsSync(file)) throw new SourceClosureError(`${rel} is imported but does not exist`)
    files.add(rel)
    if (!/\.[cm]?[jt]s$/.test(file)) continue // JSON and other data: no imports
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec))
      else if (!spec.startsWith('node:') && !BUILTINS.has(spec)) packages.add(packageName(spec))
    }
  }
  return { files: [...files].sort(), packages: [...packages].sort() }
}

export function importsOf (source: string): string[] {
  const out: string[] = []
  // examples in doc comments are not imports: drop block comments and whole-line // comments
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  for (const m of code.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2]
    if (spec !== undefined) out.push(spec)
  }
  return out
}

/** '@scope/name/sub/path' -> '@scope/name'; 'name/sub' -> 'name' */
export function packageName (specifier: string): string {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier)
}

interface LockEntry {
  dev?: boolean
  link?: boolean
  optional?: boolean
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}

interface Lockfile { packages?: Record<string, LockEntry> }

/**
 * The installed package folders (e.g. 'node_modules/@libp2p/tcp',
 * 'node_modules/a/node_modules/b') that `roots` need at run time, resolved as
 * Node resolves them (nearest node_modules first). Optional and peer
 * dependencies that are not installed (other platforms' binaries) are skipped.
 */
export function packageClosure (root: string, roots: string[], lock: Lockfile = readLock(root)): string[] {
  const packages = lock.packages ?? {}
  const found = new Set<string>()
  const queue: Array<{ from: string, name: string, required: boolean }> = roots.map(name => ({ from: '', name, required: true }))
  while (queue.length > 0) {
    const { from, name, required } = queue.pop() as { from: string, name: string, required: boolean }
    const at = resolveFrom(packages, from, name)
    if (at === undefined || !existsSync(join(root, at))) {
      if (required) throw new SourceClosureError(`package "${name}" (needed by ${from === '' ? 'the image sources' : from}) is not installed: run \`npm ci\``)
      continue
    }
    if (found.has(at)) continue
    found.add(at)
    const entry = packages[at] ?? {}
    for (const dep of Object.keys(entry.dependencies ?? {})) queue.push({ from: at, name: dep, required: true })
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) queue.push({ from: at, name: dep, required: false })
    for (const dep of Object.keys(entry.peerDependencies ?? {})) queue.push({ from: at, name: dep, required: false })
  }
  return [...found].sort()
}

function resolveFrom (packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from
  while (true) {
    const candidate = `${base === '' ? '' : base + '/'}node_modules/${name}`
    const entry = packages[candidate]
    if (entry !== undefined && entry.link !== true) return candidate
    if (base === '') return undefined
    const cut = base.lastIndexOf('/node_modules/')
    base = cut < 0 ? '' : base.slice(0, cut)
  }
}

function readLock (root: string): Lockfile {
  const file = join(root, 'package-lock.json')
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Lockfile
  } catch (err) {
    throw new SourceClosureError(`cannot read ${file}: ${(err as Error).message}`)
  }
}
