/**
 * The TS node survives yamux's SYN sent on a connection that closed under it
 * (containers/ts-node/upstream-guards.ts) and reports it; any other uncaught
 * exception still ends the process with exit code 1 (the guard must not hide
 * the node's own crashes). Real Node processes, the error thrown in a
 * microtask as yamux throws it.
 */
import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'

function run (stack: string): { status: number | null, stdout: string, stderr: string } {
  const guards = join(PROJECT_ROOT, 'containers', 'ts-node', 'upstream-guards.ts')
  const events = join(PROJECT_ROOT, 'containers', 'ts-node', 'events.ts')
  const script = `
import { installUpstreamGuards } from ${JSON.stringify(guards)}
import { EventLog } from ${JSON.stringify(events)}
const events = new EventLog({ write: l => { process.stdout.write(l) } })
installUpstreamGuards(message => { events.emit('error', { message }) })
queueMicrotask(() => {
  const e = new Error('Cannot write to a stream that is closed')
  e.name = 'StreamStateError'
  e.stack = ${JSON.stringify(stack)}
  throw e
})
setTimeout(() => { process.stdout.write('still running\\n'); process.exit(0) }, 300)
`
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('TS node: upstream guards', function () {
  this.timeout(30_000)

  it("yamux's SYN on a closed connection: an error event, and the node goes on", () => {
    const r = run('StreamStateError: Cannot write to a stream that is closed\n    at YamuxMuxer.sendFrame (muxer.js:401:21)\n    at YamuxStream.sendWindowUpdate (stream.js:245:14)')
    expect(r.status, r.stderr).to.equal(0)
    expect(r.stdout).to.include('"type":"error"').and.to.include('closed before its first frame').and.to.include('still running')
  })

  it('control: the same error from anywhere else still ends the process with exit code 1 and its stack', () => {
    const r = run('StreamStateError: Cannot write to a stream that is closed\n    at somewhereElse (x.js:1:1)')
    expect(r.status).to.equal(1)
    expect(r.stdout).to.not.include('still running')
    expect(r.stderr).to.include('somewhereElse')
  })
})
