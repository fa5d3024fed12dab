/**
 * One container of a run, started with testcontainers on the run's own network
 * (with the given network alias), its output followed from the moment it starts,
 * and its life tied to the harness's: nothing outlives a killed harness.
 *
 *   RunContainer (GenericContainer) ──create: NetworkMode=<run net>, alias,
 *        │                                    OpenStdin + StdinOnce, AutoRemove
 *        ├─ containerCreated (before start):
 *        │      POST /containers/<id>/attach (stdin, stdout, stderr; hijacked)  <── the lifeline
 *        │           demux ──> stdout / stderr lines ──> log file + held until consumed
 *        │      POST /containers/<id>/wait?condition=next-exit                    <── its exit code
 *        └─ start ─> Wait.forLogMessage(<ready pattern>)    testcontainers' wait strategy
 *
 * The lifeline: the harness holds the container's stdin through its attach connection
 * and never writes to it. When the harness dies, even by SIGKILL, the kernel closes
 * that connection; with StdinOnce the engine then closes the container's stdin, the
 * program sees EOF and exits (nodes: `exitOnStdinClose`, the UDP proxy:
 * `--exit-on-stdin-close`, toxiproxy: its image's entrypoint), and AutoRemove removes
 * the container. The run's network has no such hook: the next start sweeps it.
 * Reading the output from the same attach (not from the logs endpoint) keeps the last
 * lines of a container that died and was removed at once.
 * testcontainers' withNetworkAliases() creates the container on the default bridge and
 * connects it to the network afterwards, which would leave it a way out of the run's
 * network: RunContainer puts the alias into the create call instead.
 */
import { createWriteStream } from 'node:fs'
import type { WriteStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { PassThrough } from 'node:stream'
import type Docker from 'dockerode'
import { GenericContainer, Wait } from 'testcontainers'

export class ContainerStartError extends Error {
  override name = 'ContainerStartError'
}

/** What to start. */
export interface RunContainerSpec {
  image: string
  /** container name (unique on the engine) */
  containerName: string
  network: string
  /** DNS name on the run network */
  alias: string
  labels: Record<string, string>
  command?: string[]
  /** small files copied in before start (e.g. /config/node.json) */
  files?: Array<{ content: string, target: string }>
  /** a line of the container's output that says it is ready */
  readyLine: RegExp
  startupTimeoutMs: number
  /** where the container's output is written (stdout and stderr lines) */
  logPath: string
}

/** A started container: its id, its IP on the run network, its followed log and its exit. */
export interface StartedRunContainer {
  id: string
  containerName: string
  ip: string
  /** create + start + ready, as seen from the harness */
  startMs: number
  log: ContainerLog
  /** the exit status (null when the engine could not say), from a wait registered before start */
  exit: Promise<number | null>
}

class RunContainer extends GenericContainer {
  private readonly docker: Docker
  private readonly logPath: string
  log: ContainerLog | undefined
  exit: Promise<number | null> | undefined

  constructor (docker: Docker, spec: RunContainerSpec) {
    super(spec.image)
    this.docker = docker
    this.logPath = spec.logPath
    this.withName(spec.containerName)
      .withLabels(spec.labels)
      .withNetworkMode(spec.network)
      .withWaitStrategy(Wait.forLogMessage(spec.readyLine))
      .withStartupTimeout(spec.startupTimeoutMs)
    if (spec.command !== undefined) this.withCommand(spec.command)
    if (spec.files !== undefined && spec.files.length > 0) this.withCopyContentToContainer(spec.files)
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [spec.network]: { Aliases: [spec.alias] } } }
    // the lifeline (see the top of this file)
    Object.assign(this.createOpts, { OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true })
    this.hostConfig.AutoRemove = true
  }

  protected override async containerCreated (containerId: string): Promise<void> {
    const container = this.docker.getContainer(containerId)
    this.exit = container.wait({ condition: 'next-exit' }).then(
      (r: { StatusCode?: number }) => r.StatusCode ?? null,
      () => null)
    const attached = await container.attach({ stream: true, hijack: true, stdin: true, stdout: true, stderr: true })
    this.log = new ContainerLog(this.docker, attached, this.logPath)
  }
}

/**
 * Starts the container and waits for its ready line. On failure the error carries
 * the container's last lines (also in the log file); testcontainers has removed it.
 */
export async function startRunContainer (docker: Docker, spec: RunContainerSpec, signal?: AbortSignal, track?: (start: Promise<unknown>) => void): Promise<StartedRunContainer> {
  signal?.throwIfAborted()
  const t0 = performance.now()
  const container = new RunContainer(docker, spec)
  let started
  try {
    // testcontainers' start cannot be cancelled: an abort stops our wait, and `track`
    // lets the owner wait for the start itself before its final clean-up
    const work = container.start()
    track?.(work)
    started = await abortable(work, signal)
  } catch (err) {
    const log = container.log
    if (log !== undefined) {
      await Promise.race([log.ended, new Promise(resolve => setTimeout(resolve, 1000).unref())])
      await log.close()
    }
    signal?.throwIfAborted()
    const tail = log?.lastLines(15) ?? []
    throw new ContainerStartError(`container ${spec.containerName} (${spec.image}) did not become ready: ${(err as Error).message}${tail.length === 0 ? '' : '\n' + tail.map(l => `  | ${l}`).join('\n')}`)
  }
  if (container.log === undefined || container.exit === undefined) throw new ContainerStartError(`container ${spec.containerName}: started, but it was never attached`)
  return { id: started.getId(), containerName: spec.containerName, ip: started.getIpAddress(spec.network), startMs: Math.round(performance.now() - t0), log: container.log, exit: container.exit }
}

type LineHandler = (line: string) => void

const TAIL_LINES = 200

/**
 * A container's output from its first line, read from the harness's attach
 * connection: every stdout / stderr line goes to the log file and is held until a
 * consumer takes the stream over (consume()). `ended` resolves once the container
 * has stopped and every line is delivered. The same connection holds the
 * container's stdin open: close() (or the harness dying) closes it.
 */
export class ContainerLog {
  readonly ended: Promise<void>
  readonly path: string
  private readonly file: WriteStream
  private readonly attached: NodeJS.ReadWriteStream
  private resolveEnded!: () => void
  private held: Array<{ err: boolean, line: string }> | undefined = []
  private onStdout: LineHandler = () => {}
  private onStderr: LineHandler = () => {}
  private readonly tail: string[] = []

  constructor (docker: Docker, attached: NodeJS.ReadWriteStream, logPath: string) {
    this.path = logPath
    this.attached = attached
    this.file = createWriteStream(logPath, { flags: 'a' })
    this.ended = new Promise(resolve => { this.resolveEnded = resolve })
    this.follow(docker)
  }

  /** Hands every line so far, then each new one, to the consumer. */
  consume (onStdout: LineHandler, onStderr: LineHandler): void {
    this.onStdout = onStdout
    this.onStderr = onStderr
    const held = this.held ?? []
    this.held = undefined
    for (const { err, line } of held) (err ? onStderr : onStdout)(line)
  }

  /** The last n lines, stdout and stderr interleaved as they came. */
  lastLines (n: number): string[] {
    return this.tail.slice(-n)
  }

  /** Writes a line of the harness's own into the log file. */
  note (line: string): void {
    if (!this.file.writableEnded) this.file.write(line + '\n')
  }

  /** Closes the log file and lets go of the attach connection (the container's stdin closes with it). */
  async close (): Promise<void> {
    const socket = this.attached as NodeJS.ReadWriteStream & { destroy?: () => void }
    socket.destroy?.()
    if (this.file.writableEnded) return
    await new Promise<void>(resolve => { this.file.end(resolve) })
  }

  private deliver (err: boolean, line: string): void {
    this.note(line)
    this.tail.push(line)
    if (this.tail.length > TAIL_LINES) this.tail.shift()
    if (this.held !== undefined) this.held.push({ err, line })
    else (err ? this.onStderr : this.onStdout)(line)
  }

  private follow (docker: Docker): void {
    const out = new PassThrough()
    const err = new PassThrough()
    let open = 2
    const lineDone = (): void => { if (--open === 0) this.resolveEnded() }
    createInterface({ input: out }).on('line', line => { this.deliver(false, line) }).on('close', lineDone)
    createInterface({ input: err }).on('line', line => { this.deliver(true, line) }).on('close', lineDone)
    const stream = this.attached
    docker.modem.demuxStream(stream, out, err)
    let finished = false
    const finish = (): void => { if (finished) return; finished = true; out.end(); err.end() }
    stream.on('end', finish)
    stream.on('close', finish)
    stream.on('error', (e: Error) => { this.note(`[meshflap] the container's attach connection failed: ${e.message}`); finish() })
  }
}

/** Waits for `work` until the signal aborts (the work itself goes on; its owner cleans up). */
export async function abortable<T> (work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal === undefined) return await work
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => { reject(signal.reason instanceof Error ? signal.reason : new Error('aborted')) }
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([work, aborted])
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort)
    // a start that lost the race still finishes; the run's clean-up removes its container
    work.catch(() => {})
  }
}
