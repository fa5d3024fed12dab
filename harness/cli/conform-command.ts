/** `meshflap conform --command <argv...> | --image <ref>`: the report card of a client's build (harness/conform/). */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { GossipPolicy } from '../contract/node-config.ts'
import { runConform } from '../conform/run-conform.ts'
import { conformJunit, conformPassed, reportCard } from '../conform/report-card.ts'
import { EXIT } from './exit-codes.ts'
import { interruptSignal } from './interrupt.ts'

export interface ConformCommandOptions { command?: string[], image?: string, policy?: GossipPolicy, junit?: string, dir?: string }

export async function conformCommand (opts: ConformCommandOptions): Promise<number> {
  if ((opts.command == null) === (opts.image == null)) {
    process.stderr.write('meshflap conform: give exactly one of --command <argv...> (a binary; meshflap appends the config path) or --image <ref>\n')
    return EXIT.badInput
  }
  const subject = opts.command != null ? opts.command.join(' ') : `image ${opts.image!}`
  const dir = opts.dir ?? await mkdtemp(join(tmpdir(), 'meshflap-conform-'))
  const { signal, dispose } = interruptSignal()
  try {
    const results = await runConform({ command: opts.command, image: opts.image, policy: opts.policy }, {
      dir, signal, say: line => { process.stderr.write(`[conform] ${line}\n`) }
    })
    process.stdout.write(reportCard(subject, results))
    const junit = resolve(opts.junit ?? join(dir, 'junit.xml'))
    await writeFile(junit, conformJunit(subject, results))
    process.stdout.write(`JUnit: ${junit}\nlogs and histories: ${dir}\n`)
    if (signal.aborted) return EXIT.interrupted
    return conformPassed(results) ? EXIT.pass : EXIT.verdictFailed
  } finally {
    dispose()
  }
}
