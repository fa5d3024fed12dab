/**
 * meshflap TS node host: `node containers/ts-node/host.ts`, several TS nodes in one process
 * (the run itself: host-main.ts; the protocol: host-frames.ts). Turns on Node's module
 * compile cache first, as main.ts does for a lone node.
 */
import { enableCompileCache } from 'node:module'
import { compileCacheDir } from './compile-cache.ts'

enableCompileCache(compileCacheDir(process.env, import.meta.dirname))
const { hostMain } = await import('./host-main.ts')
await hostMain()
