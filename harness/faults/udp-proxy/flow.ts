/**
 * One client of a UDP proxy: a client source address and the proxy's own
 * upstream socket for it, connected to the upstream. One socket per client
 * source address is what makes replies findable: whatever the upstream sends
 * to that socket belongs to this client.
 *
 *   client 10.0.0.1:5000 ──> listener ──> Flow(10.0.0.1:5000).socket :41234 ──> upstream
 *   client 10.0.0.1:5000 <── listener <── Flow(10.0.0.1:5000).socket :41234 <── upstream
 *
 * `rebind()` swaps in a fresh socket (new source port, same client): to the
 * upstream it looks like the client's NAT rebinding, i.e. a QUIC path change.
 */
import { createSocket } from 'node:dgram'
import type { Socket } from 'node:dgram'
import { DelayLine } from './delay-line.ts'
import { PASS } from './fault-plan.ts'
import type { DirectionPlan } from './fault-plan.ts'
import type { RandomSource } from './random.ts'

/** Where a flow sends, resolved once per flow (so a changed DNS answer reaches new flows only). */
export interface UpstreamTarget {
  ip: string
  port: number
  family: 4 | 6
}

/** Datagrams that arrive before the first upstream socket is connected wait here, at most this many. */
const MAX_PENDING = 256
/** Socket buffers: a QUIC burst at loopback speed overflows Linux's 208 KiB default. */
const SOCKET_BUFFER = 4 * 1024 * 1024

export class Flow {
  readonly clientAddress: string
  readonly clientPort: number
  up: DirectionPlan = PASS
  down: DirectionPlan = PASS
  readonly upLine: DelayLine
  readonly downLine: DelayLine
  private target: UpstreamTarget | undefined
  private readonly onReply: (flow: Flow, msg: Buffer) => void
  private socket: Socket | undefined
  private pending: Buffer[] = []
  private closed = false
  /** counts of upstream socket errors (ICMP port unreachable on a connected socket and the like) */
  errors = 0
  /** datagrams seen from the client / from the upstream, dropped ones too (a client still sending is not idle) */
  seenUp = 0
  seenDown = 0
  /** idle bookkeeping of UdpProxy's sweeper */
  activityAtSweep = 0
  idleSweeps = 0
  readonly sendUpstream = (msg: Buffer): void => {
    if (this.socket !== undefined) this.socket.send(msg)
    else if (this.pending.length < MAX_PENDING) this.pending.push(msg)
  }

  constructor (clientAddress: string, clientPort: number, random: RandomSource,
    sendDownstream: (flow: Flow, msg: Buffer) => void, onReply: (flow: Flow, msg: Buffer) => void) {
    this.clientAddress = clientAddress
    this.clientPort = clientPort
    this.onReply = onReply
    this.upLine = new DelayLine(this.sendUpstream, random)
    this.downLine = new DelayLine((msg) => { sendDownstream(this, msg) }, random)
  }

  /** The upstream socket's local port (what the upstream sees as the client's port), once bound. */
  get localPort (): number | undefined {
    return this.socket?.address().port
  }

  /** Opens the first upstream socket, connected to `target`; datagrams sent meanwhile are queued. */
  async open (target: UpstreamTarget): Promise<void> {
    this.target = target
    const socket = await this.connectSocket(target)
    if (this.closed) { socket.close(); return }
    this.socket = socket
    for (const msg of this.pending) socket.send(msg)
    this.pending = []
  }

  /** Moves to a new upstream socket (new source port); the old one closes once the new one is connected. */
  async rebind (): Promise<void> {
    if (this.target === undefined || this.socket === undefined) return // not open yet: its first socket is new anyway
    const socket = await this.connectSocket(this.target)
    if (this.closed) { socket.close(); return }
    const old = this.socket
    this.socket = socket
    old?.close()
  }

  close (): void {
    if (this.closed) return
    this.closed = true
    this.upLine.clear()
    this.downLine.clear()
    this.pending = []
    this.socket?.close()
    this.socket = undefined
  }

  private async connectSocket (target: UpstreamTarget): Promise<Socket> {
    const socket = createSocket({
      type: target.family === 6 ? 'udp6' : 'udp4',
      recvBufferSize: SOCKET_BUFFER,
      sendBufferSize: SOCKET_BUFFER
    })
    // a connected UDP socket reports ICMP port-unreachable as an error: the upstream is
    // restarting or gone. Count it; QUIC retransmits, and the next datagram may get through.
    socket.on('error', () => { this.errors++ })
    socket.on('message', (msg) => { this.onReply(this, msg) })
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.connect(target.port, target.ip, () => {
        socket.off('error', reject)
        resolve()
      })
    }).catch((err: unknown) => {
      socket.close()
      throw err
    })
    return socket
  }
}
