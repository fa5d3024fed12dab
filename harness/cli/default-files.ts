/**
 * The files a command falls back to when the user names none: meshflap's own
 * (the gating set, the known failures, the shipped scenarios), found from the
 * installed package, never from the current directory, so `meshflap gate` from
 * any folder runs the same set. Commands print which file they used.
 *
 *   meshflap gate                 -> <package>/fixtures/gate.yaml (said on stderr)
 *   meshflap gate --set ci/my.yaml -> ci/my.yaml (relative to the cwd, as given)
 */
import { readdir } from 'node:fs/promises'
import { isAbsolute, join, relative } from 'node:path'
import { PROJECT_ROOT } from '../util/paths.ts'

export interface DefaultFiles {
  /** the pre-release gating set */
  gateSet: string
  /** failures the matrix expects */
  knownFailures: string
  /** the shipped scenarios */
  scenarioDir: string
}

export function defaultFiles (root: string = PROJECT_ROOT): DefaultFiles {
  return {
    gateSet: join(root, 'fixtures', 'gate.yaml'),
    knownFailures: join(root, 'fixtures', 'known-failures.yaml'),
    scenarioDir: join(root, 'fixtures', 'scenarios')
  }
}

/** A file as a person reads it: relative to the cwd when it is below it, else absolute. */
export function shownPath (path: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, path)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path
}

/** "gating set: /…/meshflap/fixtures/gate.yaml (meshflap's own; --set <file> for another)", or "gating set: my.yaml (given)" */
export function sourceLine (what: string, path: string, given: boolean, howToChange: string): string {
  return `${what}: ${shownPath(path)} (${given ? 'given' : `meshflap's own; ${howToChange}`})`
}

/** The shipped scenario files, by name. */
export async function shippedScenarios (dir: string): Promise<string[]> {
  return (await readdir(dir)).filter(f => f.endsWith('.yaml')).sort().map(f => join(dir, f))
}
