/**
 * Every node implementation meshflap can run, listed explicitly (nothing
 * registers itself on import). Adding one = its containers/<impl>/ folder, one
 * module here, one line in IMPLEMENTATIONS (containers/CONTRACT.md "Adding an
 * implementation"). The runtimes, the CLI's --impl, the scenario schema's
 * `impl` enum (checked by a test), the matrix and set-up read this list.
 */
import { external } from './external.ts'
import { go } from './go.ts'
import { rust } from './rust.ts'
import type { Implementation, MutantInfo } from './implementation.ts'
import { ts } from './ts.ts'

export const IMPLEMENTATIONS = [
  ts,
  go,
  rust,
  external
] as const

export type ImplName = typeof IMPLEMENTATIONS[number]['name']

export const IMPL_NAMES: readonly ImplName[] = IMPLEMENTATIONS.map(i => i.name)

/** `meshflap matrix` without --impl */
export const DEFAULT_MATRIX_IMPLS: readonly ImplName[] = IMPLEMENTATIONS.filter(i => i.inDefaultMatrix).map(i => i.name)

/** Every mutant name some implementation has (`--mutant` choices), in list order. */
export function allMutantNames (): string[] {
  return allMutants().map(m => m.name)
}

/** Every mutant of every implementation, in list order, each once. */
export function allMutants (): MutantInfo[] {
  const seen = new Map<string, MutantInfo>()
  for (const m of IMPLEMENTATIONS.flatMap(i => i.mutants ?? [])) if (!seen.has(m.name)) seen.set(m.name, m)
  return [...seen.values()]
}

export function isImplName (name: string): name is ImplName {
  return (IMPL_NAMES as readonly string[]).includes(name)
}

/** The implementation called `name`; throws on a name not in the list. */
export function implementation (name: ImplName): Implementation<ImplName> {
  const impl = IMPLEMENTATIONS.find(i => i.name === name)
  if (impl === undefined) throw new Error(`unknown implementation "${name}" (known: ${IMPL_NAMES.join(', ')})`)
  return impl
}

export type { BuildStep, ImplImage, Implementation, LaunchFields, MutantInfo } from './implementation.ts'
export { ImplLaunchError } from './implementation.ts'
