/**
 * The Go reference peer (containers/go-peer/): stock go-libp2p-pubsub, so only
 * the `stock` policy. Set-up builds it into .tools/bin; its image packs that binary.
 */
import { readdirSync } from 'node:fs'
import { access, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PROJECT_ROOT, toolPaths } from '../util/paths.ts'
import { defineImplementation } from './implementation.ts'

const BINARY = 'meshflap-go-peer'
const DIR = 'containers/go-peer'
/** the binary set-up builds, in set-up's folder for this environment (tests that start the Go peer by hand use it) */
export function goPeerBinary (): string {
  return join(toolPaths().bin, BINARY)
}
// Static (no cgo), so the binary also runs in the go-peer image on any base
const BUILD_ARGS = ['build', '-trimpath', '-ldflags=-s -w', '-o']

export const go = defineImplementation({
  name: 'go',
  summary: 'containers/go-peer (go-libp2p, stock go-libp2p-pubsub)',
  policies: ['stock'],
  defaultPolicy: 'stock',
  inDefaultMatrix: true,
  perNode: false,
  // seen in every staging of a TS-Go pair (harness/devnet/stage-placement.ts "Known limit"); Go-Go pairs split as asked
  cannotPlaceStreams: ({ streams, partner }) => streams === 'split' && partner !== 'go'
    ? 'go-libp2p-pubsub opens its stream on the newest connection once identify is done, not on the first leg ready at its end, ' +
      'so split staging puts both of a pair\'s streams on one leg when the other node is not a Go peer'
    : undefined,
  build: {
    binary: BINARY,
    tool: 'go',
    toolMissing: `Go is needed to build ${BINARY}. Install Go 1.22 or newer (Debian: apt-get install golang-go, or https://go.dev/dl) and run npm run setup again.`,
    dir: DIR,
    // go.mod, go.sum, *.go, and the embedded config schema copy *.json
    sources: dir => readdirSync(dir).filter(f => f === 'go.mod' || f === 'go.sum' || f.endsWith('.go') || f.endsWith('.json')),
    recipe: `CGO_ENABLED=0 go ${BUILD_ARGS.join(' ')}`,
    command: target => ({ file: 'go', args: [...BUILD_ARGS, target, '.'], cwd: join(PROJECT_ROOT, DIR), env: { CGO_ENABLED: '0' } })
  },
  processCommand: configPath => [goPeerBinary(), configPath],
  image: { name: 'go-peer', dockerfile: `${DIR}/Dockerfile`, inputs: { kind: 'binary', file: `.tools/bin/${BINARY}`, contextPath: `bin/${BINARY}` } },
  versions: async () => ({ 'go-peer': await goPeerVersion() })
})

/** The Go peer's libp2p versions, from its go.mod (the binary is built from exactly that by set-up). */
async function goPeerVersion (): Promise<string> {
  try {
    await access(goPeerBinary())
    const mod = await readFile(join(PROJECT_ROOT, DIR, 'go.mod'), 'utf8')
    const v = (name: string): string => new RegExp(`\\s${name.replace(/[.]/g, '\\.')} (v[^\\s]+)`).exec(mod)?.[1] ?? '?'
    return `go-libp2p ${v('github.com/libp2p/go-libp2p')}, go-libp2p-pubsub ${v('github.com/libp2p/go-libp2p-pubsub')}`
  } catch { return 'missing' }
}
