#!/usr/bin/env node
// meshflap's command-line entry. In a checkout the code is TypeScript run by Node's type
// stripping (Node >= 22.18; `npm install` provides Node 24 in node_modules/.bin, which npx
// and npm scripts put first on PATH); the installed package runs the compiled dist/ copy
// of this file, beside main.js.
import { existsSync } from 'node:fs'

const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`meshflap needs Node >= 22.18, this is ${process.version}. In a checkout, run it through npx (npx meshflap ...) or npm scripts after npm install, which use the pinned Node 24.\n`)
  process.exit(2)
}
const source = new URL('./main.ts', import.meta.url)
const { main } = await import(existsSync(source) ? source.href : new URL('./main.js', import.meta.url).href)
process.exitCode = await main(process.argv)
