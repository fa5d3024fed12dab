/**
 * What goes into an image's context (no engine needed): imports found in
 * sources (not in comments), packages resolved through package-lock.json as
 * Node resolves them, missing optional packages skipped, missing required
 * ones named with the fix.
 */
import { expect } from 'chai'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { importsOf, packageClosure, packageName, sourceClosure, SourceClosureError } from '../../harness/runtime/docker-source-closure.ts'

describe('docker source closure', () => {
  let root: string
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'meshflap-closure-'))
    const dirs = ['src', 'node_modules/a', 'node_modules/a/node_modules/b', 'node_modules/b', 'node_modules/@s/c', 'node_modules/d']
    for (const d of dirs) await mkdir(join(root, d), { recursive: true })
    await writeFile(join(root, 'src/main.ts'), [
      '/** example: import { x } from \'not-a-dep\' */',
      '// import y from \'nor-this\'',
      'import { a } from \'a\'',
      'import type { C } from \'@s/c/sub/path\'',
      'import \'./side.ts\'',
      'export { z } from \'./z.ts\'',
      'import data from \'../data.json\' with { type: \'json\' }',
      'import { readFile } from \'node:fs\'',
      'const lazy = await import(\'d\')'
    ].join('\n'))
    await writeFile(join(root, 'src/side.ts'), 'import fs from \'fs\'\n')
    await writeFile(join(root, 'src/z.ts'), 'export const z = 1\n')
    await writeFile(join(root, 'data.json'), '{}')
  })
  after(async () => { await rm(root, { recursive: true, force: true }) })

  it('follows relative imports and collects bare package names, skipping builtins and comments', () => {
    expect(sourceClosure(root, ['src/main.ts'])).to.deep.equal({
      files: ['data.json', 'src/main.ts', 'src/side.ts', 'src/z.ts'],
      packages: ['@s/c', 'a', 'd']
    })
    expect(importsOf('export * from "./x.ts"; import "y"')).to.deep.equal(['./x.ts', 'y'])
    expect(packageName('@scope/pkg/deep/file.js')).to.equal('@scope/pkg')
    expect(packageName('pkg/sub')).to.equal('pkg')
  })

  it('an import of a missing file is an error naming it', () => {
    expect(() => sourceClosure(root, ['src/nope.ts'])).to.throw(SourceClosureError, /src\/nope\.ts is imported but does not exist/)
  })

  it('resolves packages nearest node_modules first, follows optional and peer deps that are installed', () => {
    const lock = {
      packages: {
        '': { dependencies: { a: '1' } },
        'node_modules/a': { dependencies: { b: '2' }, optionalDependencies: { 'a-linux': '1', 'a-darwin': '1' }, peerDependencies: { '@s/c': '1' } },
        'node_modules/a/node_modules/b': {},
        'node_modules/b': { dev: true },
        'node_modules/@s/c': {},
        'node_modules/d': {}
      }
    }
    expect(packageClosure(root, ['a'], lock)).to.deep.equal(['node_modules/@s/c', 'node_modules/a', 'node_modules/a/node_modules/b'])
    expect(() => packageClosure(root, ['e'], lock)).to.throw(SourceClosureError, /package "e" .* is not installed: run `npm ci`/)
  })
})
