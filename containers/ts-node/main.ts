/**
 * meshflap TS node: `node containers/ts-node/main.ts <config.json>` (the run itself: node-main.ts).
 *
 * Turns on Node's module compile cache before anything else is imported: a node
 * otherwise spends most of its start-up type-stripping and compiling the same few
 * hundred modules (libp2p and its dependencies) that every other node of the devnet
 * compiles too. Only `node:` builtins and compile-cache.ts are imported statically
 * here; everything else comes through the dynamic import below, after the cache is on.
 */
import { enableCompileCache } from 'node:module'
import { compileCacheDir } from './compile-cache.ts'

// never fails the node: without a usable folder it runs uncached
enableCompileCache(compileCacheDir(process.env, import.meta.dirname))
const { main } = await import('./node-main.ts')
await main(process.argv.slice(2))
