/**
 * Everything the docker runtime takes from the environment, read in this one
 * place (never at import time): callers pass a `DockerSettings` down.
 *
 *   MESHFLAP_DOCKER_BASE_IMAGE       base of every meshflap image (default debian:bookworm-slim);
 *                                    when absent and not pullable, meshflap/base:bookworm is built
 *   MESHFLAP_DOCKER_PULL_TIMEOUT_MS  how long a pull of that base may take (default 5000)
 *   MESHFLAP_DEBIAN_MIRROR           debootstrap's mirror for the local base (default deb.debian.org)
 *   MESHFLAP_REQUIRE_DOCKER=1        docker tests fail instead of skipping without an engine (CI)
 *   DOCKER_HOST                      read by dockerode itself (docker-modem)
 *
 * The swarm runtime's own settings (MESHFLAP_SWARM_ENGINES, MESHFLAP_SWARM_HOSTS) are in swarm-settings.ts.
 */

/** The docker runtime's knobs; `dockerSettingsFromEnv()` fills them from the environment. */
export interface DockerSettings {
  baseImage: string
  pullTimeoutMs: number
  debianMirror: string
  requireDocker: boolean
}

export const DEFAULT_BASE_IMAGE = 'debian:bookworm-slim'
export const DEFAULT_DEBIAN_MIRROR = 'http://deb.debian.org/debian'

export function dockerSettingsFromEnv (env: NodeJS.ProcessEnv = process.env): DockerSettings {
  const timeout = Number(nonEmpty(env.MESHFLAP_DOCKER_PULL_TIMEOUT_MS) ?? 'NaN')
  return {
    baseImage: nonEmpty(env.MESHFLAP_DOCKER_BASE_IMAGE) ?? DEFAULT_BASE_IMAGE,
    pullTimeoutMs: Number.isFinite(timeout) && timeout >= 0 ? timeout : 5000,
    debianMirror: nonEmpty(env.MESHFLAP_DEBIAN_MIRROR) ?? DEFAULT_DEBIAN_MIRROR,
    requireDocker: env.MESHFLAP_REQUIRE_DOCKER === '1' || env.MESHFLAP_REQUIRE_DOCKER === 'true'
  }
}

/**
 * testcontainers' Ryuk reaper image cannot be pulled here; meshflap reaps its own
 * resources by label (docker-clean.ts). Called right before the first testcontainers use.
 */
export function disableRyuk (env: NodeJS.ProcessEnv = process.env): void {
  env.TESTCONTAINERS_RYUK_DISABLED = 'true'
}

function nonEmpty (value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}
