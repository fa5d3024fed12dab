/**
 * A TS node host: one process running several TS nodes (the process runtime's
 * `nodesPerProcess`), each from its own config, with its own identity, listeners,
 * control API and event stream; they share the event loop, the heap and the loaded
 * modules, which is the point (a lone node idles at ~150 MiB, most of it the runtime
 * and libp2p's code). Commands on stdin and framed output on stdout: host-frames.ts.
 *
 * What one process per node gives and this cannot: a signal reaches every node of the
 * process, so there is no per-node SIGKILL or SIGSTOP (the harness refuses `kill`, `pause`
 * and `resume` faults before a run), and timer lateness (`sched`) is the process's, shared
 * by its nodes. A node's stop is the same teardown its SIGTERM handler runs alone.
 * Started by host.ts once Node's compile cache is on.
 */
import { createInterface } from 'node:readline'
import { Socket } from 'node:net'
import { ConfigError, loadConfig } from './config.ts'
import { EXIT_BAD_CONFIG, NodeRun, NodeStartFailed } from './run-node.ts'
import { SharedSchedProbe } from './shared-sched.ts'
import { installUpstreamGuards } from './upstream-guards.ts'
import { exitFrame, outputFrames, parseHostCommand } from './host-frames.ts'

export async function hostMain (): Promise<void> {
  const sched = new SharedSchedProbe()
  const runs = new Map<string, NodeRun>()
  // Not process.stdout: on a pipe its writes are synchronous, and one pipe carries every hosted node's
  // events. While the harness is slow to read (it forwards every QUIC packet of the devnet too), a full
  // pipe blocked the whole process, all its nodes, for up to 2.7 s (32 nodes, 8 per process: timer
  // lateness with almost no CPU used, legs judged wedged). A socket on the same fd buffers instead; the
  // events carry their own `ts`, so reading them later changes no fact. Flushed before the process exits.
  const stdout = new Socket({ fd: 1, readable: false, writable: true })
  stdout.on('error', () => { /* the harness is gone: stdin's EOF stops everything */ })
  const write = (text: string): void => { stdout.write(text) }
  const flushed = async (): Promise<void> => {
    await Promise.race([new Promise<void>(resolve => { stdout.end(resolve) }), new Promise(resolve => setTimeout(resolve, 2000))])
  }
  // a yamux SYN on a closed connection (upstream-guards.ts) names no node: each of them records it
  installUpstreamGuards(message => { for (const r of runs.values()) r.events.emit('error', { message: `${message} (in a process hosting ${runs.size} nodes; which one's connection is not known)` }) })

  const done = new Set<string>()
  // once per node: a stop that lands mid-start ends it from both sides
  const ended = (id: string, code: number): void => {
    if (done.has(id)) return
    done.add(id)
    runs.delete(id)
    write(exitFrame(id, code))
  }

  const start = async (id: string, configPath: string): Promise<void> => {
    const lines = {
      event: (line: string) => { write(outputFrames(id, 'stdout', line)) },
      diagnostic: (text: string) => { write(outputFrames(id, 'stderr', text)) }
    }
    let run: NodeRun
    try {
      run = new NodeRun(await loadConfig(configPath), lines, sched)
    } catch (err) {
      lines.diagnostic(`${(err as Error).message}\n`)
      ended(id, err instanceof ConfigError ? EXIT_BAD_CONFIG : 1)
      return
    }
    runs.set(id, run)
    try {
      await run.start(configPath)
    } catch (err) {
      ended(id, err instanceof NodeStartFailed ? err.exitCode : 1)
    }
  }

  const stop = async (id: string): Promise<void> => {
    const run = runs.get(id)
    if (run === undefined) return
    await run.stop()
    ended(id, 0)
  }

  const stopAll = async (): Promise<never> => {
    await Promise.allSettled([...runs.keys()].map(stop))
    await flushed()
    process.exit(0)
  }
  process.on('SIGTERM', () => { void stopAll() })
  process.on('SIGINT', () => { void stopAll() })
  // the harness holds stdin and only writes commands: EOF means it is gone (exitOnStdinClose for the whole process)
  const commands = createInterface({ input: process.stdin })
  commands.on('line', line => {
    const command = parseHostCommand(line)
    if (command === undefined) { process.stderr.write(`host: not a command: ${line}\n`); return }
    if (command.kind === 'start') void start(command.id, command.configPath)
    else void stop(command.id)
  })
  commands.on('close', () => { void stopAll() })
}
