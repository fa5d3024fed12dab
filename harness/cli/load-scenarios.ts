/** Loads every scenario file before anything starts: one bad file stops the whole command (exit 2). */
import { loadScenario } from '../scenario/load-scenario.ts'
import { ScenarioError } from '../scenario/scenario-error.ts'
import type { Scenario } from '../scenario/types.ts'

export interface Loaded { scenarios: Scenario[], errors: string[] }

export async function loadAll (files: string[]): Promise<Loaded> {
  const scenarios: Scenario[] = []
  const errors: string[] = []
  for (const file of files) {
    try {
      scenarios.push(await loadScenario(file))
    } catch (err) {
      if (err instanceof ScenarioError) errors.push(err.message)
      else errors.push(`${file}: ${(err as Error).message}`)
    }
  }
  return { scenarios, errors }
}
