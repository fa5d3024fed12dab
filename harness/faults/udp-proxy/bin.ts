/**
 * The UDP proxy as its own process (docker runtime, or anyone who wants it):
 *
 *   node harness/faults/udp-proxy/bin.ts --host 127.0.0.1 --port 0 [--seed 42] [--exit-on-stdin-close]
 *
 * stdout: exactly one line once the API listens,
 *   {"type":"ready","apiUrl":"http://127.0.0.1:41234","version":"meshflap-udp-proxy 0.1.0","pid":1234}
 * stderr: diagnostics. SIGTERM / SIGINT (or stdin EOF with --exit-on-stdin-close, so a
 * parent that dies takes the proxy with it): closes every proxy and exits 0.
 * Exit 2: bad arguments or the API port cannot be bound.
 */
import { Command, InvalidArgumentError } from 'commander'
import { UDP_PROXY_VERSION, UdpProxyServer } from './udp-proxy-server.ts'

function integer (min: number, max: number) {
  return (value: string): number => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer in [${min}, ${max}]`)
    return n
  }
}

interface BinOptions {
  host: string
  port: number
  seed?: number
  exitOnStdinClose?: boolean
}

async function main (): Promise<void> {
  const program = new Command('udp-proxy')
    .description('meshflap per-leg UDP proxy with a toxiproxy-compatible HTTP API')
    .option('--host <host>', 'API host', '127.0.0.1')
    .option('--port <port>', 'API port (0 = any free port)', integer(0, 65535), 0)
    .option('--seed <seed>', 'seed of the loss random source', integer(0, 2 ** 32 - 1))
    .option('--exit-on-stdin-close', 'exit when stdin reaches EOF')
    .exitOverride((err) => { process.exit(err.exitCode === 0 ? 0 : 2) })
  program.parse()
  const opts = program.opts<BinOptions>()

  const server = new UdpProxyServer({ host: opts.host, port: opts.port, seed: opts.seed })
  try {
    await server.start()
  } catch (err) {
    process.stderr.write(`udp-proxy: cannot listen on ${opts.host}:${opts.port}: ${(err as Error).message}\n`)
    process.exit(2)
  }

  let stopping = false
  const stop = (why: string): void => {
    if (stopping) return
    stopping = true
    process.stderr.write(`udp-proxy: stopping (${why})\n`)
    server.stop().then(() => { process.exit(0) }, (err: unknown) => {
      process.stderr.write(`udp-proxy: stop failed: ${(err as Error).message}\n`)
      process.exit(1)
    })
  }
  process.on('SIGTERM', () => { stop('SIGTERM') })
  process.on('SIGINT', () => { stop('SIGINT') })
  if (opts.exitOnStdinClose === true) {
    process.stdin.on('end', () => { stop('stdin closed') })
    process.stdin.resume()
  }

  process.stdout.write(JSON.stringify({ type: 'ready', apiUrl: server.apiUrl, version: UDP_PROXY_VERSION, pid: process.pid }) + '\n')
}

await main()
