/**
 * Waiting for something to come up, with a deadline and an AbortSignal, for
 * every runtime: a node's `ready` event, an engine's HTTP API. Settles once;
 * its timer, abort listener and event subscriptions are gone once it has.
 */
import type { ReadyEvent } from '../contract/node-events.ts'
import type { NodeOutput } from './node-output.ts'
import type { NodeExitInfo } from './runtime.ts'

export interface WaitForReadyOptions {
  node: string
  output: NodeOutput
  exited: Promise<NodeExitInfo>
  timeoutMs: number
  signal?: AbortSignal
  /** the runtime's error type for a start that failed; `why` already names the node and ends with its last lines */
  error: (why: string) => Error
}

/** The node's `ready` event; rejects on timeout, abort, exit before ready, or a `ready` line that breaks the contract. */
export async function waitForReady (opts: WaitForReadyOptions): Promise<ReadyEvent> {
  const { node, output, timeoutMs, signal } = opts
  return await new Promise<ReadyEvent>((resolve, reject) => {
    let settled = false
    const cleanups: Array<() => void> = []
    const settle = (): boolean => {
      if (settled) return false
      settled = true
      for (const c of cleanups.splice(0)) c()
      return true
    }
    const fail = (why: string): void => {
      if (!settle()) return
      reject(opts.error(`node ${node} ${why}\n${output.lastLines(15).map(l => `  | ${l}`).join('\n')}`))
    }
    const timer = setTimeout(() => { fail(`did not report ready within ${timeoutMs} ms`) }, timeoutMs)
    cleanups.push(() => { clearTimeout(timer) })
    if (signal !== undefined) {
      const onAbort = (): void => { fail('start aborted') }
      if (signal.aborted) { onAbort(); return }
      signal.addEventListener('abort', onAbort, { once: true })
      cleanups.push(() => { signal.removeEventListener('abort', onAbort) })
    }
    void opts.exited.then(info => { fail(`exited before ready (code ${info.code}, signal ${info.signal})`) })
    cleanups.push(output.onRejected(err => { if (err.claimedType === 'ready') fail(`reported a ready event that breaks the contract: ${err.message}`) }))
    // onEvent replays earlier events at once: `settled` keeps a replayed ready from resolving twice
    const unsubscribe = output.onEvent(e => {
      if (e.type !== 'ready' || !settle()) return
      resolve(e)
    })
    if (settled) unsubscribe()
    else cleanups.push(unsubscribe)
  })
}

export interface WaitForHttpOptions {
  timeoutMs: number
  signal?: AbortSignal
  /** between two tries (default 50 ms) */
  intervalMs?: number
  /** per try (default 1 s) */
  tryTimeoutMs?: number
  /** the runtime's error type; `last` is the last failure (an HTTP status or a network error) */
  error: (last: string) => Error
}

/** Polls `url` until it answers 2xx; rejects with the last failure after the timeout, or on abort. */
export async function waitForHttp (url: string, opts: WaitForHttpOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs
  let last = 'no answer yet'
  while (Date.now() < deadline) {
    opts.signal?.throwIfAborted()
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(opts.tryTimeoutMs ?? 1000) })
      await res.body?.cancel()
      if (res.ok) return
      last = `HTTP ${res.status}`
    } catch (err) {
      last = (err as Error).message
    }
    await new Promise(resolve => setTimeout(resolve, opts.intervalMs ?? 50))
  }
  throw opts.error(last)
}
