/**
 * meshflap's UDP proxy (QUIC legs): the shared engine compliance suite.
 */
import { startUdpEngine } from '../../harness/faults/engine.ts'
import { startUdpEcho } from './support/echo.ts'
import { faultEngineCompliance } from './support/engine-compliance.ts'
import { openUdpProbe } from './support/probe.ts'

faultEngineCompliance({
  title: 'meshflap UDP proxy (in process)',
  transport: 'udp',
  start: async () => await startUdpEngine({ seed: 42 }),
  startEcho: startUdpEcho,
  openProbe: openUdpProbe,
  handleKinds: ['UDPWrap', 'TCPServerWrap']
})
