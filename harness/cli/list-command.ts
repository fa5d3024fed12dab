/** `meshflap list`: every scenario in the folder, its name, size and the field bug it reproduces. */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { EXIT } from './exit-codes.ts'
import { loadAll } from './load-scenarios.ts'
import { defaultFiles, sourceLine } from './default-files.ts'

export async function listCommand (given?: string): Promise<number> {
  const dir = given ?? defaultFiles().scenarioDir
  process.stderr.write(sourceLine('scenarios', dir, given !== undefined, '--dir <folder> for another') + '\n')
  let files: string[]
  try {
    files = (await readdir(dir)).filter(f => f.endsWith('.yaml') || f.endsWith('.yml')).sort().map(f => join(dir, f))
  } catch (err) {
    process.stderr.write(`cannot read scenario folder ${dir}: ${(err as Error).message}\n`)
    return EXIT.badInput
  }
  const { scenarios, errors } = await loadAll(files)
  for (const s of scenarios) {
    const transports = [...new Set(s.legs.map(l => l.transport))].join('+')
    process.stdout.write(`${s.file}\n  ${s.name}: ${s.nodes.length} nodes, ${transports}, ${s.slots} slots x ${s.slotMs} ms, ${s.faults.length} fault(s)\n  ${firstSentence(s.description)}\n`)
  }
  if (errors.length > 0) process.stderr.write(`\ninvalid scenario files:\n${errors.join('\n')}\n`)
  return errors.length > 0 ? EXIT.badInput : EXIT.pass
}

function firstSentence (text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  const end = flat.search(/[.:](\s|$)/)
  return end > 0 ? flat.slice(0, end + 1) : flat
}
