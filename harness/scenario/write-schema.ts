/**
 * Writes harness/scenario/scenario.schema.json with its `definitions.action` built from the
 * fault actions' files (harness/faults/actions/), so editors see every action and its help.
 * Run after adding or changing an action: `node harness/scenario/write-schema.ts`.
 */
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { scenarioSchema } from './schema-issues.ts'

const target = fileURLToPath(new URL('./scenario.schema.json', import.meta.url))
await writeFile(target, JSON.stringify(scenarioSchema, null, 2) + '\n')
process.stdout.write(`wrote ${target}\n`)
