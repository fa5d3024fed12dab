/**
 * An implementation built elsewhere (containers/CONTRACT.md section 9): each
 * node names what runs, a `command` for the process runtime (the config path is
 * appended) or an `image` for the docker runtime.
 */
import { defineImplementation, ImplLaunchError } from './implementation.ts'

export const external = defineImplementation({
  name: 'external',
  summary: 'your own build (a node\'s command or image)',
  policies: ['leg-aware', 'stock'],
  defaultPolicy: 'leg-aware',
  inDefaultMatrix: false,
  perNode: true,
  processCommand: (configPath, node) => {
    if (node.command == null || node.command.length === 0) throw new ImplLaunchError(`node ${node.name}: impl "external" needs a command for the process runtime`)
    return [...node.command, configPath]
  }
})
