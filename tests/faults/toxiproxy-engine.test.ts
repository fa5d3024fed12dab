/**
 * The real toxiproxy-server (TCP legs): the shared engine compliance suite.
 */
import { startToxiproxyEngine } from '../../harness/faults/engine.ts'
import { startTcpEcho } from './support/echo.ts'
import { faultEngineCompliance } from './support/engine-compliance.ts'
import { openTcpProbe } from './support/probe.ts'

faultEngineCompliance({
  title: 'toxiproxy-server (TCP)',
  transport: 'tcp',
  start: startToxiproxyEngine,
  startEcho: startTcpEcho,
  openProbe: openTcpProbe,
  handleKinds: ['TCPServerWrap', 'ProcessWrap']
})
