/**
 * One container of a run, started with testcontainers on the run's own network
 * (with the given network alias), and its log followed with dockerode.
 *
 *   RunContainer (GenericContainer) ──create: NetworkMode=<run net>, alias──> start
 *        └─ Wait.forLogMessage(<ready pattern>)            testcontainers' wait strategy
 *   ContainerLog ── GET /containers/<id>/logs?follow ──demux──> stdout lines / stderr lines
 *                                                            └──> the log file in the run dir
 *
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
}

/** A started container: its id and its IP on the run network. */
export interface StartedRunContainer {
  id: string
  containerName: string
  ip: string
  /** create + start + ready, as testcontainers measured from our side */
  startMs: number
}

class RunContainer extends GenericContainer {
  constructor (spec: RunContainerSpec) {
    super(spec.image)
    this.withName(spec.containerName)
      .withLabels(spec.labels)
      .withNetworkMode(spec.network)
      .withWaitStrategy(Wait.forLogMessage(spec.readyLine))
      .withStartupTimeout(spec.startupTimeoutMs)
    if (spec.command !== undefined) this.withCommand(spec.command)
    if (spec.files !== undefined && spec.files.length > 0) this.withCopyContentToContainer(spec.files)
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [spec.network]: { Aliases: [spec.alias] } } }
  }
}

/**
 * Starts the container and waits for its ready line. On failure the container is
 * left for the run's clean-up (its last log lines are in the error).
 */
export async function startRunContainer (docker: Docker, spec: RunContainerSpec, signal?: AbortSignal, track?: (start: Promise<unknown>) => void): Promise<StartedRunContainer> {
  signal?.throwIfAborted()
  const t0 = performance.now()
  let started
  try {
    // testcontainers' start cannot be cancelled: an abort stops our wait, and `track`
    // lets the owner wait for the start itself before its final clean-up
    const work = new RunContainer(spec).start()
    track?.(work)
    started = await abortable(work, signal)
  } catch (err) {
    signal?.throwIfAborted()
    const tail = await lastLogLines(docker, spec.containerName, 15)
    throw new ContainerStartError(`container ${spec.containerName} (${spec.image}) did not become ready: ${(err as Error).message}${tail.length === 0 ? '' : '\n' + tail.map(l => `  | ${l}`).join('\n')}`)
  }
  const ip = started.getIpAddress(spec.network)
  return { id: started.getId(), containerName: spec.containerName, ip, startMs: Math.round(performance.now() - t0) }
}

/** The container's last n log lines (stdout and stderr), or [] when it is gone. */
export async function lastLogLines (docker: Docker, container: string, n: number): Promise<string[]> {
  try {
    const raw = await docker.getContainer(container).logs({ stdout: true, stderr: true, tail: n, follow: false })
    return demuxBuffer(raw).split('\n').filter(l => l.trim() !== '')
  } catch {
    return []
  }
}

/**
 * Follows a container's output from its first line: each stdout / stderr line goes
 * to the callbacks and to the log file. `ended` resolves once the container has
 * stopped and every line is delivered.
 */
export class ContainerLog {
  readonly ended: Promise<void>
  private readonly file: WriteStream
  private resolveEnded!: () => void

  constructor (docker: Docker, containerId: string, logPath: string, onStdout: (line: string) => void, onStderr: (line: string) => void) {
    this.file = createWriteStream(logPath, { flags: 'a' })
    this.ended = new Promise(resolve => { this.resolveEnded = resolve })
    void this.follow(docker, containerId, onStdout, onStderr)
  }

  /** Writes a line of the harness's own (e.g. "stopped by the harness") into the log file. */
  note (line: string): void {
    if (!this.file.writableEnded) this.file.write(line + '\n')
  }

  async close (): Promise<void> {
    if (this.file.writableEnded) return
    await new Promise<void>(resolve => { this.file.end(resolve) })
  }

  private async follow (docker: Docker, containerId: string, onStdout: (line: string) => void, onStderr: (line: string) => void): Promise<void> {
    const out = new PassThrough()
    const err = new PassThrough()
    let open = 2
    const lineDone = (): void => { if (--open === 0) this.resolveEnded() }
    createInterface({ input: out }).on('line', line => { this.note(line); onStdout(line) }).on('close', lineDone)
    createInterface({ input: err }).on('line', line => { this.note(line); onStderr(line) }).on('close', lineDone)
    try {
      const stream = await docker.getContainer(containerId).logs({ follow: true, stdout: true, stderr: true }) as NodeJS.ReadableStream
      docker.modem.demuxStream(stream, out, err)
      stream.on('end', () => { out.end(); err.end() })
      stream.on('error', () => { out.end(); err.end() })
    } catch (e) {
      this.note(`[meshflap] cannot follow the container's log: ${(e as Error).message}`)
      out.end()
      err.end()
    }
  }
}

/** Docker's multiplexed log format (8-byte frame headers) to plain text. */
export function demuxBuffer (raw: Buffer): string {
  const parts: Buffer[] = []
  let at = 0
  while (at + 8 <= raw.length) {
    const size = raw.readUInt32BE(at + 4)
    parts.push(raw.subarray(at + 8, at + 8 + size))
    at += 8 + size
  }
  return Buffer.concat(parts).toString('utf8')
}

async function abortable<T> (work: Promise<T>, signal?: AbortSignal): Promise<T> {
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
