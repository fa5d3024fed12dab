/**
 * The TS node's run as one process: config, then a NodeRun (run-node.ts) writing its events
 * to stdout and its diagnostics to stderr (started by main.ts once Node's compile cache is on).
 * Exit codes: 0 stopped by SIGTERM/SIGINT or stdin EOF, 2 bad config or a
 * listen address in use, 1 any other failure. Events on stdout, diagnostics on stderr.
 */
import { ConfigError, loadConfig } from './config.ts'
import type { NodeConfig } from '../../harness/contract/node-config.ts'
import { EXIT_BAD_CONFIG, NodeRun, NodeStartFailed } from './run-node.ts'
import { SharedSchedProbe } from './shared-sched.ts'
import { installUpstreamGuards } from './upstream-guards.ts'

export { EXIT_BAD_CONFIG }

export async function main (argv: string[]): Promise<void> {
  if (argv.length !== 1 || argv[0] == null) {
    process.stderr.write('usage: main.ts <config.json>\n')
    process.exit(EXIT_BAD_CONFIG)
  }
  let config: NodeConfig
  try {
    config = await loadConfig(argv[0])
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`)
    process.exit(err instanceof ConfigError ? EXIT_BAD_CONFIG : 1)
  }

  const run = new NodeRun(config, {
    event: line => { process.stdout.write(line) },
    diagnostic: text => { process.stderr.write(text) }
  }, new SharedSchedProbe())
  installUpstreamGuards(message => { run.events.emit('error', { message }) })
  const stop = async (code: number): Promise<never> => {
    await run.stop()
    process.exit(code)
  }
  process.on('SIGTERM', () => { void stop(0) })
  process.on('SIGINT', () => { void stop(0) })
  if (config.exitOnStdinClose) {
    process.stdin.on('end', () => { void stop(0) })
    process.stdin.resume()
  }

  try {
    await run.start(argv[0])
  } catch (err) {
    await stop(err instanceof NodeStartFailed ? err.exitCode : 1)
  }
}
