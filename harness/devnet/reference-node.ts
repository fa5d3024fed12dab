/**
 * meshflap's own TS node as a command line, for a test that runs it as an `external` peer
 * (a stand-in for a client's node until theirs is built): the source in a checkout, the
 * compiled file in an installed package, on the Node that runs the caller.
 *
 *   withTheirNode(scenario, 'A', { command: referenceNodeCommand() })
 */
import { TS_NODE_MAIN } from '../util/paths.ts'

export function referenceNodeCommand (): string[] {
  return [process.execPath, TS_NODE_MAIN]
}
