/**
 * Runs a contract peer (any implementation's process command) on one config as a real process:
 * if it gets ready, reads /v1/status, then stops it (stdin EOF when the config
 * has exitOnStdinClose, else SIGTERM) and collects the exit code and stderr
 * (the config path replaced by `<file>`).
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { implementation } from '../../harness/impls/index.ts'
import type { ImplName } from '../../harness/impls/index.ts'

export interface RunResult { code: number | null, stderr: string, ready?: Record<string, unknown>, status?: Record<string, unknown>, stopMs?: number }

export const goodConfig = (): Record<string, unknown> => ({
  name: 'A', index: 0, seed: 1, listen: ['/ip4/127.0.0.1/tcp/0'],
  duties: { genesisMs: Date.now(), slotMs: 1000 }
})

/** Runs implementation `impl` (its process command from harness/impls) on `config`. */
export async function runPeer (impl: ImplName, config: unknown): Promise<RunResult> {
  return await runCommand(configPath => implementation(impl).processCommand(configPath, { name: 'A' }), config)
}

export async function runCommand (argv: (configPath: string) => string[], config: unknown): Promise<RunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'meshflap-bin-cfg-'))
  const path = join(dir, 'node.json')
  await writeFile(path, typeof config === 'string' ? config : JSON.stringify(config))
  try {
    return await new Promise((resolve, reject) => {
      const [bin, ...args] = argv(path)
      const child = spawn(bin!, args, { stdio: ['pipe', 'pipe', 'pipe'] })
      let stderr = ''
      let stdout = ''
      let stopAt = 0
      const result: RunResult = { code: null, stderr: '' }
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString()
        const line = stdout.split('\n')[0]
        if (result.ready == null && stdout.includes('\n') && line != null) {
          result.ready = JSON.parse(line) as Record<string, unknown>
          fetch(`${String(result.ready.control)}/v1/status`).then(async r => await r.json()).then(s => {
            result.status = s as Record<string, unknown>
          }).catch(reject).finally(() => {
            stopAt = Date.now()
            if ((config as { exitOnStdinClose?: boolean }).exitOnStdinClose === true) child.stdin.end()
            else child.kill('SIGTERM')
          })
        }
      })
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
      child.on('exit', code => {
        clearTimeout(timer)
        resolve({ ...result, code, stderr: stderr.replaceAll(path, '<file>'), ...(stopAt > 0 ? { stopMs: Date.now() - stopAt } : {}) })
      })
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export async function tcpPortFree (port: number): Promise<boolean> {
  return await new Promise(resolve => {
    const s = createServer()
    s.once('error', () => { resolve(false) })
    s.listen(port, '127.0.0.1', () => { s.close(() => { resolve(true) }) })
  })
}

export async function freeTcpPort (): Promise<number> {
  const s = createServer()
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as AddressInfo).port
  await new Promise(resolve => s.close(resolve))
  return port
}
