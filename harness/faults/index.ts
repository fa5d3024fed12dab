/**
 * The fault plane, listed explicitly (nothing registers itself on import):
 *
 *   engine.ts ............ FaultEngine: one interface over both engines, driven by toxiproxy-node-client
 *   toxiproxy-server.ts .. the real toxiproxy-server as a child process (TCP legs)
 *   udp-proxy/ ........... meshflap's per-leg UDP proxy with toxiproxy's API (QUIC legs)
 *   leg.ts ............... Leg: down/up/flap/blackhole/latency/loss/bandwidth/reset/rebind/close/heal, recorded
 */
export { connectFaultEngine, startFaultEngine, startToxiproxyEngine, startUdpEngine } from './engine.ts'
export type { EngineEndpoint, EngineKind, FaultEngine, StartFaultEngineOptions } from './engine.ts'
export { defaultToxiproxyBinary, ToxiproxyBinaryMissingError, ToxiproxyServer, ToxiproxyStartError } from './toxiproxy-server.ts'
export type { ToxiproxyServerOptions } from './toxiproxy-server.ts'
export { UDP_PROXY_VERSION, UdpProxyServer } from './udp-proxy/udp-proxy-server.ts'
export type { UdpProxyServerOptions } from './udp-proxy/udp-proxy-server.ts'
export { seededRandom } from './udp-proxy/random.ts'
export type { RandomSource } from './udp-proxy/random.ts'
export { Leg, UnsupportedFaultError } from './leg.ts'
export type { Direction, FaultTag, LegClock, LegOptions } from './leg.ts'
