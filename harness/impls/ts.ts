/**
 * The TS reference node (containers/ts-node/): js-libp2p with the leg-aware
 * gossip policy (and stock, for comparison). Run by the pinned Node from its
 * sources; nothing to build.
 */
import { TS_NODE_HOST, TS_NODE_MAIN } from '../util/paths.ts'
import { defineImplementation } from './implementation.ts'
import { MUTANTS } from '../../containers/ts-node/mutants/index.ts'

const MAIN = 'containers/ts-node/main.ts'
/** the node's entry file: its source in a checkout, compiled in an installed package (tests that start the TS node by hand use it) */
export { TS_NODE_MAIN }

export const ts = defineImplementation({
  name: 'ts',
  summary: 'containers/ts-node (js-libp2p, leg-aware or stock gossip)',
  policies: ['leg-aware', 'stock'],
  defaultPolicy: 'leg-aware',
  mutants: MUTANTS.map(m => ({ name: m.name, summary: m.summary, fixture: m.fixture })),
  inDefaultMatrix: true,
  perNode: false,
  processCommand: configPath => [process.execPath, TS_NODE_MAIN, configPath],
  processHostCommand: () => [process.execPath, TS_NODE_HOST],
  image: { name: 'ts-node', dockerfile: 'containers/ts-node/Dockerfile', inputs: { kind: 'node-program', entryFiles: [MAIN] } }
})
