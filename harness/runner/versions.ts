/** Versions of everything a run used, for results.json and rerun bundles. */
import { access, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { IMPLEMENTATIONS } from '../impls/index.ts'
import { PROJECT_ROOT } from '../util/paths.ts'

async function packageVersion (name: string): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }
    return pkg.version
  } catch { return 'missing' }
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
  const toxiproxy = await readFile(join(PROJECT_ROOT, '.tools', 'toxiproxy-server.stamp'), 'utf8').catch(() => 'missing')
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
