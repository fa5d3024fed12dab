/**
 * The line protocol between the process runtime and a TS node host (host-main.ts): one
 * process, several nodes, each still with its own event stream. Not part of the peer
 * contract (containers/CONTRACT.md): the harness demultiplexes it back into one NDJSON
 * stream and one log per node, read exactly like a node process's stdout and stderr.
 *
 *   harness ──stdin──> host:  "start <id> <config path>"   start a node from that config
 *                             "stop <id>"                  stop it as SIGTERM would
 *                             EOF                          stop every node, exit 0
 *   host ──stdout──> harness: "<id> o <line>"              a line of node <id>'s stdout (an event)
 *                             "<id> e <line>"              a line of node <id>'s stderr
 *                             "<id> x <code>"              node <id> ended with that exit code
 *   host ──stderr──> harness: the process's own lines (a crash), shown in every node's log
 *
 * `<id>` is the harness's own number for a node start (no spaces, unlike a path).
 */

export type HostCommand = { kind: 'start', id: string, configPath: string } | { kind: 'stop', id: string }
export type HostFrame = { kind: 'stdout' | 'stderr', id: string, line: string } | { kind: 'exit', id: string, code: number }

const STREAMS = { o: 'stdout', e: 'stderr' } as const

export function startCommand (id: string, configPath: string): string { return `start ${id} ${configPath}\n` }
export function stopCommand (id: string): string { return `stop ${id}\n` }

export function parseHostCommand (line: string): HostCommand | undefined {
  const [verb, id, ...rest] = line.split(' ')
  if (id === undefined || id === '') return undefined
  if (verb === 'start' && rest.length > 0) return { kind: 'start', id, configPath: rest.join(' ') }
  if (verb === 'stop' && rest.length === 0) return { kind: 'stop', id }
  return undefined
}

/** One frame per line of `text` (a stack trace is several lines, each framed). */
export function outputFrames (id: string, stream: 'stdout' | 'stderr', text: string): string {
  const tag = stream === 'stdout' ? 'o' : 'e'
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n')
  return lines.map(l => `${id} ${tag} ${l}\n`).join('')
}

export function exitFrame (id: string, code: number): string { return `${id} x ${code}\n` }

/** A host stdout line; undefined for a line that is no frame (the harness shows it as the process's own). */
export function parseHostFrame (line: string): HostFrame | undefined {
  const first = line.indexOf(' ')
  if (first <= 0 || line[first + 2] !== ' ') return undefined
  const id = line.slice(0, first)
  const tag = line[first + 1]
  const rest = line.slice(first + 3)
  if (tag === 'x') {
    const code = Number(rest)
    return Number.isInteger(code) ? { kind: 'exit', id, code } : undefined
  }
  if (tag === 'o' || tag === 'e') return { kind: STREAMS[tag], id, line: rest }
  return undefined
}
