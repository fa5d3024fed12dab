/** Versions of everything a run used, for results.json and rerun bundles. */
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { IMPLEMENTATIONS } from '../impls/index.ts'
import { PROJECT_ROOT, toolPaths } from '../util/paths.ts'

/** The installed version of a dependency, found as Node finds it (hoisted into a client's node_modules, too). */
async function packageVersion (name: string): Promise<string> {
  try {
    for (let dir = dirname(fileURLToPath(import.meta.resolve(name))); dirname(dir) !== dir; dir = dirname(dir)) {
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8').catch(() => '{}')) as { name?: string, version?: string }
      if (pkg.name === name && pkg.version !== undefined) return pkg.version
    }
  } catch { /* not installed */ }
  return 'missing'
}

export async function collectVersions (): Promise<Record<string, string>> {
  const meshflap = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }
  // each implementation with a stack of its own says what it runs (harness/impls/)
  const implVersions = Promise.all(IMPLEMENTATIONS.map(async i => await i.versions?.() ?? {}))
  const [libp2p, gossipsub, quic, toxiproxyClient] = await Promise.all([
    packageVersion('libp2p'), packageVersion('@libp2p/gossipsub'), packageVersion('@chainsafe/libp2p-quic'),
    packageVersion('toxiproxy-node-client')
  ])
  // `go install` does not stamp a version into the binary; ci/setup.mjs records what it built
  const toxiproxy = await readFile(join(toolPaths().dir, 'toxiproxy-server.stamp'), 'utf8').catch(() => 'missing')
  return {
    meshflap: meshflap.version,
    node: process.version,
    libp2p,
    '@libp2p/gossipsub': gossipsub,
    '@chainsafe/libp2p-quic': quic,
    'toxiproxy-node-client': toxiproxyClient,
    'toxiproxy-server': toxiproxy,
    ...Object.assign({}, ...await implVersions) as Record<string, string>,
    platform: `${process.platform}-${process.arch}`
  }
}
