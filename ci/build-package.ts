/**
 * `npm run build` (and `npm pack`'s prepack): the compiled package in dist/.
 *
 *   tsc -p tsconfig.build.json      harness/ and containers/ -> dist/ (.js with .ts imports rewritten to .js,
 *                                   .d.ts, the JSON schemas they import)
 *   + the files the compiled code reads beside itself: the CLI's bin.js, the report's CSS and chart script
 *
 * The repository itself keeps running the TypeScript sources; dist/ is only what `npm pack` ships.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../harness/util/paths.ts'

const dist = join(PROJECT_ROOT, 'dist')
rmSync(dist, { recursive: true, force: true })
execFileSync(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(PROJECT_ROOT, 'tsconfig.build.json')], { stdio: 'inherit', cwd: PROJECT_ROOT })
for (const file of ['harness/cli/bin.js', 'harness/report/html/report.css', 'harness/report/html/report-client.js']) {
  cpSync(join(PROJECT_ROOT, file), join(dist, file))
}
process.stderr.write(`[build] ${dist}\n`)
