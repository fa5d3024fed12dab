/**
 * `meshflap init`: a starter in a client repository, from the templates in
 * meshflap's fixtures/starter/ (written as they are, nothing is generated):
 *
 *   meshflap/devnet.yaml              their node A (impl external) next to two TS nodes, one fault, expectations
 *   test/meshflap.test.mts             a mocha suite: Devnet, selectors, meshflap/chai assertions
 *   .github/workflows/meshflap.yml    a CI job: set-up, doctor, the scenario, the suite, runs/ as artifact
 *
 * It never overwrites: when any of them exists, nothing is written (exit 2). It ends
 * with the next command to type.
 */
import { existsSync } from 'node:fs'
import { copyFile, mkdir } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { PROJECT_ROOT } from '../util/paths.ts'
import { EXIT } from './exit-codes.ts'
import { shownPath } from './default-files.ts'

/** target (relative to the client repository) <- template (relative to meshflap's package) */
export const STARTER_FILES: ReadonlyArray<readonly [string, string]> = [
  ['meshflap/devnet.yaml', 'fixtures/starter/devnet.yaml'],
  ['test/meshflap.test.mts', 'fixtures/starter/meshflap.test.mts'],
  ['.github/workflows/meshflap.yml', 'fixtures/starter/meshflap.yml']
]

export async function initCommand (opts: { dir?: string }): Promise<number> {
  const dir = resolve(opts.dir ?? '.')
  const existing = STARTER_FILES.map(([target]) => join(dir, target)).filter(f => existsSync(f))
  if (existing.length > 0) {
    process.stderr.write(`meshflap init writes nothing: ${existing.map(f => shownPath(f)).join(', ')} already exist${existing.length === 1 ? 's' : ''} (it never overwrites; move ${existing.length === 1 ? 'it' : 'them'} away to start again)\n`)
    return EXIT.badInput
  }
  for (const [target, template] of STARTER_FILES) {
    const to = join(dir, target)
    await mkdir(dirname(to), { recursive: true })
    await copyFile(join(PROJECT_ROOT, template), to)
    process.stdout.write(`wrote ${shownPath(to)}\n`)
  }
  const missing = ['mocha', 'chai'].filter(p => !existsSync(join(dir, 'node_modules', p)))
  process.stdout.write([
    '',
    'A in meshflap/devnet.yaml is your node: meshflap\'s own TS node stands in until you put your build\'s command there.',
    'next:',
    ...(missing.length > 0 ? [`  npm install --save-dev ${missing.join(' ')}`] : []),
    '  npx meshflap setup && npx meshflap run meshflap/devnet.yaml',
    '  npx mocha test/meshflap.test.mts',
    ''
  ].join('\n'))
  return EXIT.pass
}
