/** `meshflap doctor` and `meshflap clean`: thin shells over harness/runtime's doctor and docker clean-up. */
import { runDoctor, renderDoctor } from '../runtime/doctor.ts'
import { dockerClient, probeEngine } from '../runtime/docker-engine.ts'
import { cleanAll, renderCleanReport } from '../runtime/docker-clean.ts'
import { EXIT } from './exit-codes.ts'

export async function doctorCommand (): Promise<number> {
  const report = await runDoctor()
  process.stdout.write(renderDoctor(report) + '\n')
  return report.ok ? EXIT.pass : EXIT.badInput
}

export async function cleanCommand (opts: { images: boolean, force: boolean }): Promise<number> {
  const docker = dockerClient()
  const probe = await probeEngine(docker)
  if (!probe.reachable) {
    process.stdout.write(`nothing to clean: no Docker engine reachable at ${probe.endpoint} (${probe.error ?? 'no answer'}); process runs leave nothing behind\n`)
    return EXIT.pass
  }
  const report = await cleanAll(docker, { images: opts.images, force: opts.force })
  process.stdout.write(renderCleanReport(report) + '\n')
  return report.errors.length > 0 ? EXIT.verdictFailed : EXIT.pass
}
