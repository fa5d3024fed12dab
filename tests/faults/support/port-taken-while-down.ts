/**
 * Run as root inside a fresh network namespace (proxy-port.test.ts): two TCP legs go down; with
 * the namespace's ephemeral range narrowed to the one port 40000, an outgoing connection is handed
 * 40000 as its source port (the range is then put back, for the engine's API calls); both legs
 * come up. Prints one JSON line: what each leg's proxy listened on and whether its `up` worked
 * (or its error).
 */
import { once } from 'node:events'
import { writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { startFaultEngine } from '../../../harness/faults/engine.ts'
import { Leg } from '../../../harness/faults/leg.ts'
import type { LegName } from '../../../harness/history/types.ts'

const server = createServer(socket => { socket.on('error', () => {}) }).listen(0, '127.0.0.1')
await once(server, 'listening')
const upstream = `127.0.0.1:${(server.address() as AddressInfo).port}`
const engine = await startFaultEngine('toxiproxy')
const legOn = async (name: LegName, listen: string): Promise<Leg> => new Leg({
  name, dialer: 'A', listener: 'B', transport: 'tcp', proxy: await engine.createProxy(name, listen, upstream), record: () => {}
})
// port 0: the engine draws it; 40000: what the OS could hand out as a listen port in this namespace
const drawn = await legOn('A>B', '127.0.0.1:0')
const inRange = await legOn('B>A', '127.0.0.1:40000')
await drawn.down()
await inRange.down()
const RANGE = '/proc/sys/net/ipv4/ip_local_port_range'
writeFileSync(RANGE, '40000 40000')
const out = connect(Number(upstream.split(':')[1]), '127.0.0.1')
await once(out, 'connect')
writeFileSync(RANGE, '32768 60999')
const upOf = async (leg: Leg): Promise<{ listen: string, up: string }> => {
  try { await leg.up(); return { listen: leg.proxyAddr, up: 'ok' } } catch (err) { return { listen: leg.proxyAddr, up: (err as Error).message } }
}
console.log(JSON.stringify({ sourcePort: out.localPort, drawn: await upOf(drawn), inRange: await upOf(inRange) }))
out.destroy()
server.close()
await engine.dispose()
