#!/usr/bin/env node
// meshflap's command-line entry. The code is TypeScript run by Node's type
// stripping, so it needs Node >= 22.18; `npm install` provides Node 24 in
// node_modules/.bin, which npx and npm scripts put first on PATH.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`meshflap needs Node >= 22.18, this is ${process.version}. Run it through npx (npx meshflap ...) or npm scripts after npm install, which use the pinned Node 24.\n`)
  process.exit(2)
}
const { main } = await import('./main.ts')
process.exitCode = await main(process.argv)
