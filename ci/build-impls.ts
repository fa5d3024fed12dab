/**
 * Builds every implementation that has a set-up build step (harness/impls/index.ts),
 * each only when its sources changed. Started by ci/setup.mjs with the pinned Node.
 *
 *   node_modules/.bin/node ci/build-impls.ts
 *
 * Exit 2 when a build tool is missing (the message says how to get it).
 */
import { IMPLEMENTATIONS } from '../harness/impls/index.ts'
import { BuildToolMissingError, runBuildStep } from '../harness/impls/build.ts'
import { PROJECT_ROOT } from '../harness/util/paths.ts'

const quiet = process.env.MESHFLAP_SETUP_QUIET === '1'
const say = (line: string): void => { if (!quiet) process.stderr.write(`[setup] ${line}\n`) }

for (const impl of IMPLEMENTATIONS) {
  if (impl.build === undefined) continue
  try {
    runBuildStep(impl.build, { root: PROJECT_ROOT, say })
  } catch (err) {
    process.stderr.write(`[setup] ${(err as Error).message}\n`)
    process.exit(err instanceof BuildToolMissingError ? 2 : 1)
  }
}
