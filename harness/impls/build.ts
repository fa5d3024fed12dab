/**
 * Set-up's builds of the implementations that need one (their `build` step),
 * each skipped while its stamp is current: the recipe plus a sha256 of its
 * source files, so an unchanged peer is never rebuilt. Run by ci/build-impls.ts,
 * which ci/setup.mjs starts once npm has installed the pinned Node.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BuildStep } from './implementation.ts'
import { toolPaths } from '../util/paths.ts'

export class BuildToolMissingError extends Error {
  override name = 'BuildToolMissingError'
}

export interface BuildOptions {
  /** project root */
  root: string
  /** set-up's folder (default: toolPaths() for the root: .tools in a checkout, else the cache directory) */
  tools?: string
  /** progress lines */
  say?: (line: string) => void
}

/** sha256 over each source file's name and content, in name order. */
export function sourceHash (step: BuildStep, root: string): string {
  const dir = join(root, step.dir)
  const h = createHash('sha256')
  for (const f of [...step.sources(dir)].sort()) h.update(f).update('\0').update(readFileSync(join(dir, f))).update('\0')
  return h.digest('hex')
}

export function stampOf (step: BuildStep, root: string): string {
  return `${step.recipe} ${sourceHash(step, root)}`
}

/** Builds the step's binary unless its stamp is current; true when it built. */
export function runBuildStep (step: BuildStep, options: BuildOptions): boolean {
  const tools = options.tools ?? toolPaths(process.env, options.root).dir
  const target = join(tools, 'bin', step.binary)
  const stampFile = join(tools, `${step.binary}.stamp`)
  const stamp = stampOf(step, options.root)
  if (existsSync(target) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return false
  if (!onPath(step.tool)) throw new BuildToolMissingError(step.toolMissing)
  mkdirSync(join(tools, 'bin'), { recursive: true })
  options.say?.(`building ${step.binary} ...`)
  const { file, args, cwd, env } = step.command(target)
  execFileSync(file, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd, env: { ...process.env, ...env } })
  if (step.produces !== undefined) copyFileSync(join(options.root, step.dir, step.produces), target)
  writeFileSync(stampFile, stamp)
  return true
}

/** Files under `dir`, relative and '/'-separated, leaving out the folders named in `skip` (build output such as target/). */
export function filesUnder (dir: string, skip: readonly string[] = []): string[] {
  const out: string[] = []
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`
      if (entry.isDirectory()) { if (!skip.includes(path)) walk(path) } else if (entry.isFile()) out.push(path)
    }
  }
  walk('')
  return out
}

function onPath (cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { stdio: 'ignore' })
    return true
  } catch { return false }
}
