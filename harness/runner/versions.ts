/** Versions of everything a run used, for results.json and rerun bundles. */
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { PROJECT_ROOT, GO_PEER_BIN } from '../util/paths.ts'

const run = promisify(execFile)

async function packageVersion (name: string): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }
    return pkg.version
  } catch { return 'missing' }
}

async function commandVersion (cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(cmd, args, { timeout: 5000 })
    return (stdout + stderr).trim().split('\n')[0] ?? 'unknown'
  } catch { return 'missing' }
}

export async function collectVersions (): Promise<Record<string, string>> {
  const meshflap = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }
  const [libp2p, gossipsub, quic, toxiproxyClient, goPeer] = await Promise.all([
    packageVersion('libp2p'), packageVersion('@libp2p/gossipsub'), packageVersion('@chainsafe/libp2p-quic'),
    packageVersion('toxiproxy-node-client'), commandVersion(GO_PEER_BIN, ['-version'])
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
    'go-peer': goPeer,
    platform: `${process.platform}-${process.arch}`
  }
}
