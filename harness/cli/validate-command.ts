/** `meshflap validate`: schema and run-rule checks for each file; nothing starts. */
import { EXIT } from './exit-codes.ts'
import { loadAll } from './load-scenarios.ts'

export async function validateCommand (files: string[]): Promise<number> {
  let bad = 0
  for (const file of files) {
    const { scenarios, errors } = await loadAll([file])
    if (errors.length > 0) {
      bad++
      process.stderr.write(errors.join('\n') + '\n')
    } else {
      const s = scenarios[0]!
      process.stdout.write(`ok ${file}: ${s.name}, ${s.nodes.length} nodes, ${s.faults.length} fault(s), ${s.expectations.length} expectation(s)\n`)
    }
  }
  return bad > 0 ? EXIT.badInput : EXIT.pass
}
