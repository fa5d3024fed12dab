/** The TS node's compile cache sits in the folder harness/util/paths.ts names for meshflap's cache. */
import { expect } from 'chai'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compileCacheDir } from '../../containers/ts-node/compile-cache.ts'
import { toolPaths } from '../../harness/util/paths.ts'

const HERE = join(fileURLToPath(import.meta.url), '..', '..', '..', 'containers', 'ts-node')

describe('ts-node: compile cache folder', function () {
  it('a checkout: .tools/node-compile-cache, as toolPaths', function () {
    expect(compileCacheDir({}, HERE)).to.equal(join(toolPaths({}).dir, 'node-compile-cache'))
    expect(compileCacheDir({}, HERE)).to.match(/\.tools\/node-compile-cache$/)
  })

  it('MESHFLAP_CACHE_DIR wins over the checkout, as toolPaths; NODE_COMPILE_CACHE wins over both', function () {
    const env = { MESHFLAP_CACHE_DIR: '/tmp/mf-cache' }
    expect(compileCacheDir(env, HERE)).to.equal(join(toolPaths(env).dir, 'node-compile-cache'))
    expect(compileCacheDir({ ...env, NODE_COMPILE_CACHE: '/tmp/ncc' }, HERE)).to.equal('/tmp/ncc')
  })

  it('an installed package or an image: the user cache folder', function () {
    const installed = '/app/node_modules/meshflap/dist/containers/ts-node'
    expect(compileCacheDir({ XDG_CACHE_HOME: '/x' }, installed)).to.equal('/x/meshflap/node-compile-cache')
    expect(compileCacheDir({ XDG_CACHE_HOME: '/x' }, '/meshflap/containers/ts-node')).to.equal('/x/meshflap/node-compile-cache')
  })
})
