// suite: serial — uses the one Docker engine (containers, images and networks found by label)
/**
 * The nightly workflow is valid (actionlint, built from the Go module proxy into
 * .tools/bin once), and the plain nightly script runs green end to end on the
 * docker runtime (a one-cell matrix, so it takes seconds, not the nightly hour).
 */
import { expect } from 'chai'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { PROJECT_ROOT, toolPaths } from '../../harness/util/paths.ts'
import { dockerClient, probeEngine } from '../../harness/runtime/docker-engine.ts'

const ACTIONLINT = join(toolPaths().bin, 'actionlint')
const ACTIONLINT_VERSION = 'v1.7.7'

describe('CI: nightly workflow and script', function () {
  this.timeout(600_000)

  before(function () {
    if (existsSync(ACTIONLINT)) return
    const go = spawnSync('go', ['version'])
    if (go.status !== 0) throw new Error('Go is needed to build actionlint for this test: install Go >= 1.22 (Debian: apt-get install golang-go)')
    execFileSync('go', ['install', `github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}`], { env: { ...process.env, GOBIN: toolPaths().bin }, stdio: 'inherit' })
  })

  it('ci/github/nightly.yml passes actionlint', () => {
    const r = spawnSync(ACTIONLINT, ['-shellcheck=', '-pyflakes=', join(PROJECT_ROOT, 'ci', 'github', 'nightly.yml')], { encoding: 'utf8' })
    expect(r.status, r.stdout + r.stderr).to.equal(0)
  })

  it('actionlint does fail a broken workflow (the check can fail)', () => {
    const broken = 'on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope.nope }}\n        uses: actions/checkout@v4\n'
    const r = spawnSync(ACTIONLINT, ['-shellcheck=', '-pyflakes=', '-'], { input: broken, encoding: 'utf8' })
    expect(r.status).to.not.equal(0)
  })

  it('ci/nightly.sh runs a matrix green end to end on the docker runtime and writes the failure summary', async function () {
    const probe = await probeEngine(dockerClient())
    if (!probe.reachable) {
      if (process.env.MESHFLAP_REQUIRE_DOCKER === '1') throw new Error(`MESHFLAP_REQUIRE_DOCKER=1 but no Docker engine: ${probe.error ?? ''}`)
      console.log(`      docker tests skipped: no Docker engine at ${probe.endpoint}; enable them with \`sudo ci/docker/ensure-engine.sh\``)
      this.skip()
    }
    const summary = join(PROJECT_ROOT, 'runs', `nightly-summary-${process.pid}.md`)
    const r = spawnSync('bash', [join(PROJECT_ROOT, 'ci', 'nightly.sh'), '--runtime', 'docker', '--impl', 'ts', '--transport', 'tcp',
      join('tests', 'matrix', 'fixtures', 'tiny-pass.yaml')], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, GITHUB_STEP_SUMMARY: summary } })
    expect(r.status, r.stdout + r.stderr).to.equal(0)
    expect(r.stdout).to.match(/GREEN: 1 cell/)
    const { readFile } = await import('node:fs/promises')
    expect(await readFile(summary, 'utf8')).to.match(/## meshflap nightly matrix \(docker\): green/)
  })
})
