#!/usr/bin/env bash
# Makes sure a Docker engine answers `docker info`, for meshflap's docker runtime.
#
#   sudo ci/docker/ensure-engine.sh
#
# - an engine already answers: nothing to do (exit 0)
# - otherwise (root only): installs Debian's docker.io (and debootstrap, which builds
#   meshflap's local base image when no registry is reachable) with apt-get, starts
#   dockerd in the background when none runs, and waits until `docker info` answers.
# Exit 0 when the engine answers, 1 when it cannot be made to.
set -euo pipefail

# dockerd and debootstrap live in sbin, which a non-login PATH may lack
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
WAIT_S=${MESHFLAP_DOCKERD_WAIT_S:-60}
LOG=${MESHFLAP_DOCKERD_LOG:-/var/log/meshflap-dockerd.log}

say () { printf '[ensure-engine] %s\n' "$*" >&2; }

engine_answers () { docker info >/dev/null 2>&1; }

# pidof skips zombies (a dockerd that just exited can linger as one under a PID 1 that
# reaps late); pgrep would count it
dockerd_runs () {
  if command -v pidof >/dev/null 2>&1; then pidof dockerd >/dev/null 2>&1; else pgrep -x dockerd >/dev/null 2>&1; fi
}

if command -v docker >/dev/null 2>&1 && engine_answers; then
  say "Docker engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  say "no Docker engine answers and this is not root: run \`sudo $0\`, or start your own engine (e.g. \`sudo systemctl start docker\`)"
  exit 1
fi

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]} (apt-get) ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# another dockerd may be starting (or wedged): only start ours when none runs at all
if ! dockerd_runs; then
  say "starting dockerd (log: $LOG) ..."
  # setsid + nohup: the engine outlives this script and the CI step that ran it
  setsid nohup dockerd >>"$LOG" 2>&1 </dev/null &
fi

for _ in $(seq 1 "$((WAIT_S * 2))"); do
  if engine_answers; then
    say "Docker engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
    exit 0
  fi
  sleep 0.5
done
say "dockerd did not answer \`docker info\` within ${WAIT_S} s; last lines of $LOG:"
tail -n 20 "$LOG" >&2 || true
exit 1
