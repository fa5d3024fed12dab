/**
 * `meshflap`: the command-line front door. Every command is a thin shell over
 * the library (harness/index.ts); parsing and help come from commander.
 *
 *   meshflap run <scenario...>      run scenarios, judge, write run dirs      (0 pass, 1 fail, 2 bad input)
 *   meshflap list                   the shipped scenarios
 *   meshflap validate <file...>     check scenario files, start nothing
 *   meshflap report <run-dir>       re-judge a saved history and re-render its report
 *   meshflap matrix [scenario...]   every scenario x ordered impl pair x transport vs fixtures/known-failures.yaml
 *   meshflap power [scenario...]    each mutant (field bug) x its fixture, the correct node and stock, over N seeds
 *   meshflap gate | rerun <dir> | triage <dir>   pre-release gate; replay a run; classify a failure
 *   meshflap doctor | clean         machine checks; remove leftovers of earlier runs
 *   meshflap setup | init           build toxiproxy-server and the Go peer; write a starter into a client repository
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { RUNTIME_NAMES } from '../runtime/runtime.ts'
import type { RuntimeName } from '../runtime/runtime.ts'
import { GOSSIP_POLICIES } from '../contract/node-config.ts'
import { DEFAULT_MATRIX_IMPLS, IMPL_NAMES } from '../impls/index.ts'
import { EXIT } from './exit-codes.ts'
import { runCommand } from './run-command.ts'
import { listCommand } from './list-command.ts'
import { validateCommand } from './validate-command.ts'
import { reportCommand } from './report-command.ts'
import { cleanCommand, doctorCommand } from './machine-commands.ts'
import { matrixCommand } from './matrix-command.ts'
import { gateCommand, rerunCommand, triageCommand } from './reruns-commands.ts'
import { setupCommand } from './setup-command.ts'
import { initCommand } from './init-command.ts'
import { conformCommand } from './conform-command.ts'
import { powerCommand } from './power-command.ts'
import { allMutantNames } from '../impls/index.ts'

export function intArg (name: string, min = 0): (value: string) => number {
  return (value: string) => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got "${value}"`)
    return n
  }
}

export function listArg (name: string, allowed: readonly string[]): (value: string) => string[] {
  return (value: string) => {
    const items = value.split(',').map(s => s.trim()).filter(s => s !== '')
    const bad = items.filter(i => !allowed.includes(i))
    if (items.length === 0 || bad.length > 0) throw new InvalidArgumentError(`${name} takes a comma-separated list of ${allowed.join(', ')}; got "${value}"`)
    return items
  }
}

export const runtimeOption = (): Option => new Option('--runtime <runtime>', 'where nodes run').choices(RUNTIME_NAMES).default('process')

export function buildProgram (): Command {
  const program = new Command('meshflap')
    .description('Interop and chaos test harness for libp2p gossip networks with several legs per peer')
    .exitOverride()
    .showHelpAfterError('(meshflap <command> --help for usage)')

  program.command('run')
    .description('run scenario files and judge them: a run directory per run with results.json, junit.xml, report.html')
    .argument('<scenario...>', 'scenario YAML files (see `meshflap list`)')
    .addOption(runtimeOption())
    .option('--nodes-per-process <n>', 'process runtime: TS nodes per child process (less memory per node; refuses kill/pause/resume faults)', intArg('--nodes-per-process', 1), 1)
    .addOption(new Option('--policy <policy>', 'gossip policy for every node whose implementation has it').choices(GOSSIP_POLICIES))
    .option('--impl <impls>', 'implementations assigned to nodes round-robin, e.g. ts,go', listArg('--impl', IMPL_NAMES))
    .addOption(new Option('--transport <transport>', 'force one transport for every leg').choices(['quic', 'tcp']))
    .option('--mutant <name>', 'run every node that has it as the correct node plus this field bug (containers/ts-node/MUTANTS.md)')
    .option('--seed <n>', 'seed (default: the scenario\'s)', intArg('--seed'))
    .option('--repeat <n>', 'run each scenario n times with seeds seed, seed+1, ...', intArg('--repeat', 1), 1)
    .option('--out <dir>', 'parent folder of run directories', 'runs')
    .option('--external-command <cmd...>', 'process runtime: command of impl "external" nodes (config path appended)')
    .option('--external-image <image>', 'docker and swarm runtimes: image of impl "external" nodes (swarm: present on every swarm node)')
    .option('--no-environment-rerun', 'keep a run that came out unknown (environment: the machine stalled) instead of running it once more')
    .action(async (files: string[], opts) => { process.exitCode = await runCommand(files, opts) })

  program.command('list')
    .description('list the shipped scenarios and the field bug each reproduces')
    .option('--dir <dir>', 'scenario folder (default: meshflap\'s shipped scenarios)')
    .action(async (opts: { dir?: string }) => { process.exitCode = await listCommand(opts.dir) })

  program.command('validate')
    .description('check scenario files against the schema and the run rules; starts nothing')
    .argument('<file...>', 'scenario YAML files')
    .action(async (files: string[]) => { process.exitCode = await validateCommand(files) })

  program.command('report')
    .description('re-judge a saved run (its history.ndjson) and re-render results.json, junit.xml, report.html')
    .argument('<run-dir>', 'a run directory')
    .action(async (dir: string) => { process.exitCode = await reportCommand(dir) })

  program.command('matrix')
    .description('run scenarios for every ordered implementation pair and transport; red on a new failure or an unexpected pass')
    .argument('[scenario...]', 'scenario files (default: every file in fixtures/scenarios)')
    .option('--impl <impls>', 'implementations, e.g. ts,go', listArg('--impl', IMPL_NAMES), [...DEFAULT_MATRIX_IMPLS])
    .option('--transport <transports>', 'transports, e.g. quic,tcp', listArg('--transport', ['quic', 'tcp']), ['quic', 'tcp'])
    .addOption(runtimeOption())
    .option('--seeds <n>', 'seeds per cell (the scenario\'s, +1, ...)', intArg('--seeds', 1), 1)
    .addOption(new Option('--policy <policy>', 'gossip policy of the nodes whose implementation has it (others run their default: Go peers are always stock)').choices(GOSSIP_POLICIES))
    .option('--nodes-per-process <n>', 'process runtime: TS nodes per child process (less memory per node; a scenario with kill/pause faults runs one per process)', intArg('--nodes-per-process', 1), 1)
    .option('--known-failures <file>', 'expected failures (default: meshflap\'s fixtures/known-failures.yaml)')
    .option('--out <dir>', 'parent folder of the matrix folder', 'runs')
    .option('--external-command <cmd...>', 'process runtime: what impl "external" runs (config path appended)')
    .option('--external-image <image>', 'docker runtime: the image impl "external" runs')
    .action(async (files: string[], opts) => { process.exitCode = await matrixCommand(files, opts) })

  program.command('power')
    .description('how do we know the harness works: every fixture x (correct node, each mutant, stock) x seeds; red when a mutant escapes its own fixture or the correct node fails one')
    .argument('[scenario...]', 'scenario files (default: the fixture named after each mutant\'s bug class, and every shipped one whose catches: lists a mutant)')
    .addOption(runtimeOption())
    .option('--seeds <n>', 'seeds per cell (the scenario\'s, +1, ...)', intArg('--seeds', 1), 5)
    .option('--mutant <names>', 'only these mutants, e.g. drop-early-subscribe,close-duplicate-redial', listArg('--mutant', allMutantNames()))
    .option('--nodes-per-process <n>', 'process runtime: TS nodes per child process (less memory per node; a scenario with kill/pause faults runs one per process)', intArg('--nodes-per-process', 1), 1)
    .option('--judged-only', 'only the cells the exit rule judges: the correct node on every fixture, each mutant on its own (no stock, no cross cells)', false)
    .option('--out <dir>', 'parent folder of the power folder', 'runs')
    .option('--resume <dir>', 'carry on an interrupted power run in its folder: cells its power.json lists are kept, the rest run (more --seeds extend it)')
    .option('--parallel <n>', 'devnets run at once (each judges its own machine stalls; 2 halves the wall time of the small fixtures on 2 cores)', intArg('--parallel', 1), 1)
    .action(async (files: string[], opts) => { process.exitCode = await powerCommand(files, opts) })

  program.command('gate')
    .description('pre-release gate: the gating set over N seeds; passes only if every verdict passes on every seed')
    .addOption(runtimeOption())
    .option('--seeds <n>', 'seeds per scenario', intArg('--seeds', 1), 3)
    .option('--nodes-per-process <n>', 'process runtime: TS nodes per child process (less memory per node; a scenario with kill/pause faults runs one per process)', intArg('--nodes-per-process', 1), 1)
    .option('--set <file>', 'the gating set (default: meshflap\'s fixtures/gate.yaml)')
    .option('--known-failures <file>', 'excluded when the set file lists no scenarios (default: meshflap\'s fixtures/known-failures.yaml)')
    .option('--out <dir>', 'parent folder of the gate folder', 'runs')
    .action(async opts => { process.exitCode = await gateCommand(opts) })

  program.command('rerun')
    .description('replay a run directory (same resolved scenario, seed and fault schedule) and compare the verdicts')
    .argument('<run-dir>', 'a run directory')
    .addOption(new Option('--runtime <runtime>', 'default: the run\'s own').choices(RUNTIME_NAMES))
    .action(async (dir: string, opts: { runtime?: RuntimeName }) => { process.exitCode = await rerunCommand(dir, opts) })

  program.command('triage')
    .description('rerun a failed run with its seed and fresh seeds: deterministic, seed-dependent or flaky')
    .argument('<run-dir>', 'a failed run directory')
    .option('--runs <n>', 'runs with its own seed, and as many fresh seeds', intArg('--runs', 1), 5)
    .addOption(new Option('--runtime <runtime>', 'default: the run\'s own').choices(RUNTIME_NAMES))
    .action(async (dir: string, opts: { runs: number, runtime?: RuntimeName }) => { process.exitCode = await triageCommand(dir, opts) })

  program.command('doctor')
    .description('check Node, toxiproxy-server, Go, the Docker engine and the image cache; say how to fix what is missing')
    .action(async () => { process.exitCode = await doctorCommand() })

  program.command('clean')
    .description('remove containers and networks left by earlier meshflap runs (whose harness is gone)')
    .option('--images', 'also remove meshflap\'s cached images and the local base image', false)
    .option('--force', 'also remove runs whose harness still runs or that belong to another host', false)
    .action(async (opts: { images: boolean, force: boolean }) => { process.exitCode = await cleanCommand(opts) })

  program.command('setup')
    .description('build toxiproxy-server and the Go peer with Go (into .tools in a checkout, else MESHFLAP_CACHE_DIR or ~/.cache/meshflap)')
    .action(() => { process.exitCode = setupCommand() })

  program.command('conform')
    .description('run the peer contract\'s compliance checks against your build (containers/CONTRACT.md section 8): prints a report card, writes JUnit')
    .argument('[argv...]', 'your node\'s command after --, when it has options of its own: meshflap conform -- ./my-node --flag')
    .option('--command <argv...>', 'process runtime: your node\'s command (meshflap appends the config path)')
    .option('--image <ref>', 'docker runtime: your node\'s image')
    .addOption(new Option('--policy <policy>', 'the gossip policy your node reports').choices(GOSSIP_POLICIES).default('stock'))
    .option('--junit <file>', 'where to write JUnit XML (default: junit.xml in the conform folder)')
    .option('--dir <dir>', 'folder for configs, logs and histories (default: a new temp folder)')
    .action(async (argv: string[], opts: { command?: string[], image?: string, policy?: 'stock' | 'leg-aware', junit?: string, dir?: string }) => {
      process.exitCode = await conformCommand({ ...opts, command: opts.command ?? (argv.length > 0 ? argv : undefined) })
    })

  program.command('init')
    .description('write a starter into this repository: a scenario with your node as A, a mocha suite, a CI job (never overwrites)')
    .option('--dir <dir>', 'the repository (default: the current directory)')
    .action(async (opts: { dir?: string }) => { process.exitCode = await initCommand(opts) })

  return program
}

/** Runs the CLI; resolves with the exit code. */
export async function main (argv: string[]): Promise<number> {
  const program = buildProgram()
  try {
    await program.parseAsync(argv)
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.pass
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.pass : EXIT.badInput
    }
    throw err
  }
}
