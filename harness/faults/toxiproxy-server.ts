/**
 * The real toxiproxy-server v2.12.0 (built into .tools/bin by `npm run setup`),
 * started as a child of the harness on 127.0.0.1 with a free API port.
 *
 *   harness ── spawn: setpriv --pdeathsig KILL -- toxiproxy-server -host H -port P
 *      │          (the kernel SIGKILLs it when the harness dies, even by SIGKILL)
 *      └── poll GET /version until it answers ── ready
 *
 * toxiproxy has no "port 0" for its API (it would not say which port it got), so
 * we pick a free port, hand it over, and retry with another one if toxiproxy
 * logs that it could not bind it (it keeps running in that case, so its log is
 * the only sign).
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { delimiter, dirname, join } from 'node:path'
import { toolPaths } from '../util/paths.ts'
import { setTimeout as sleep } from 'node:timers/promises'

/** The binary set-up builds (`npm run setup` in a checkout, `npx meshflap setup` for a package). */
export function defaultToxiproxyBinary (): string {
  return toolPaths().toxiproxy
}

export class ToxiproxyBinaryMissingError extends Error {
  constructor (binary: string) {
    super(`toxiproxy-server not found at ${binary}: run \`${toolPaths().setupCommand}\` (it builds toxiproxy v2.12.0 with Go into ${dirname(binary)})`)
    this.name = 'ToxiproxyBinaryMissingError'
  }
}

export class ToxiproxyStartError extends Error {
  readonly lastLines: string[]
  constructor (message: string, lastLines: string[]) {
    super(lastLines.length === 0 ? message : `${message}\n${lastLines.join('\n')}`)
    this.name = 'ToxiproxyStartError'
    this.lastLines = lastLines
  }
}

export interface ToxiproxyServerOptions {
  /** default: defaultToxiproxyBinary() */
  binary?: string
  /** API host, default 127.0.0.1 (proxies' own listen addresses are given per proxy) */
  host?: string
  /** API port, default 0 = pick a free one */
  port?: number
  /** how long to wait for /version, default 10 s */
  startTimeoutMs?: number
  signal?: AbortSignal
}

const KEEP_LINES = 200

function findOnPath (name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const candidate = join(dir, name)
    try { accessSync(candidate, constants.X_OK); return candidate } catch { /* not here */ }
  }
  return undefined
}

async function freePort (host: string): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, host, resolve) })
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => { resolve() }))
  return port
}

/** A running toxiproxy-server child. Stop it with stop() or `await using`. */
export class ToxiproxyServer implements AsyncDisposable {
  readonly apiUrl: string
  readonly pid: number
  /** resolves when the process has exited */
  readonly exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  private readonly child: ChildProcess
  private readonly lines: string[]
  private readonly onHarnessExit: (() => void) | undefined

  private constructor (child: ChildProcess, apiUrl: string, lines: string[], exited: ToxiproxyServer['exited'], onHarnessExit?: () => void) {
    this.child = child
    this.pid = child.pid ?? -1
    this.apiUrl = apiUrl
    this.lines = lines
    this.exited = exited
    this.onHarnessExit = onHarnessExit
  }

  static async start (options: ToxiproxyServerOptions = {}): Promise<ToxiproxyServer> {
    const binary = options.binary ?? defaultToxiproxyBinary()
    try { accessSync(binary, constants.X_OK) } catch { throw new ToxiproxyBinaryMissingError(binary) }
    const host = options.host ?? '127.0.0.1'
    for (let attempt = 1; ; attempt++) {
      const port = options.port !== undefined && options.port !== 0 ? options.port : await freePort(host)
      try {
        return await ToxiproxyServer.launch(binary, host, port, options.startTimeoutMs ?? 10_000, options.signal)
      } catch (err) {
        const portTaken = err instanceof ToxiproxyStartError && err.message.includes('address already in use')
        if (!portTaken || attempt >= 5 || (options.port !== undefined && options.port !== 0)) throw err
      }
    }
  }

  private static async launch (binary: string, host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<ToxiproxyServer> {
    const args = ['-host', host, '-port', String(port)]
    const setpriv = findOnPath('setpriv')
    // PR_SET_PDEATHSIG through util-linux's setpriv: it must not outlive the harness, however the harness ends
    const child = setpriv !== undefined
      ? spawn(setpriv, ['--pdeathsig', 'KILL', '--', binary, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    // without setpriv: at least a normal harness exit (not a SIGKILL) takes it along
    const onHarnessExit = setpriv === undefined ? () => { child.kill('SIGKILL') } : undefined
    if (onHarnessExit !== undefined) process.on('exit', onHarnessExit)

    const lines: string[] = []
    let bindFailed = false
    for (const stream of [child.stdout, child.stderr]) {
      let rest = ''
      stream?.setEncoding('utf8')
      stream?.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n')
        rest = parts.pop() ?? ''
        for (const line of parts) {
          if (line.includes('Server finished with error')) bindFailed = true
          lines.push(line)
          if (lines.length > KEEP_LINES) lines.shift()
        }
      })
    }
    const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, sig) => { resolve({ code, signal: sig }) })
    })
    let exitInfo: { code: number | null, signal: NodeJS.Signals | null } | undefined
    void exited.then((info) => { exitInfo = info })
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve))
    let spawnFailed: Error | undefined
    void spawnError.then((err) => { spawnFailed = err })

    const apiUrl = `http://${host}:${port}`
    const server = new ToxiproxyServer(child, apiUrl, lines, exited, onHarnessExit)
    const deadline = Date.now() + timeoutMs
    try {
      while (true) {
        signal?.throwIfAborted()
        if (spawnFailed !== undefined) throw new ToxiproxyStartError(`cannot start ${binary}: ${spawnFailed.message}`, [])
        if (exitInfo !== undefined) throw new ToxiproxyStartError(`toxiproxy-server exited (code ${exitInfo.code}, signal ${exitInfo.signal}) before answering on ${apiUrl}`, lines.slice(-20))
        if (bindFailed) throw new ToxiproxyStartError(`toxiproxy-server could not listen on ${host}:${port}`, lines.slice(-20))
        if (Date.now() > deadline) throw new ToxiproxyStartError(`toxiproxy-server did not answer ${apiUrl}/version within ${timeoutMs} ms`, lines.slice(-20))
        const ok = await fetch(`${apiUrl}/version`, { signal: AbortSignal.timeout(500) })
          .then(async (res) => res.ok && (await res.text()).includes('version'), () => false)
        // a bind failure is logged right after start: trust the answer only if none came
        if (ok && !bindFailed) return server
        await sleep(25)
      }
    } catch (err) {
      await server.stop()
      throw err
    }
  }

  /** The last n lines toxiproxy logged (stdout and stderr, interleaved by arrival). */
  lastLines (n = 20): string[] {
    return this.lines.slice(-n)
  }

  /** SIGTERM, SIGKILL after 3 s; resolves once the process is gone (idempotent). */
  async stop (): Promise<void> {
    if (this.onHarnessExit !== undefined) process.off('exit', this.onHarnessExit)
    if (this.child.pid === undefined) return // never spawned: no 'exit' will come
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM')
      const killer = setTimeout(() => { this.child.kill('SIGKILL') }, 3000)
      await this.exited
      clearTimeout(killer)
    }
  }

  async [Symbol.asyncDispose] (): Promise<void> {
    await this.stop()
  }
}
