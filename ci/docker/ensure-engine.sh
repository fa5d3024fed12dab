#!/usr/bin/env bash
# Makes sure a Docker engine answers `docker info`, for meshflap's docker runtime.
#
#   sudo ci/docker/ensure-engine.sh
#
# - an engine already answers: nothing to do (exit 0)
# - otherwise (root only): installs Debian's docker.io (and debootstrap, which builds
#   meshflap's local base image when no registry is reachable) with apt-get, starts
#   dockerd in the background when the default engine (/var/run/docker.pid) does not run, and
#   waits until `docker info` answers.
# Exit 0 when the engine answers, 1 when it cannot be made to.
set -euo pipefail

# dockerd and debootstrap live in sbin, which a non-login PATH may lack
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
WAIT_S=${MESHFLAP_DOCKERD_WAIT_S:-60}
LOG=${MESHFLAP_DOCKERD_LOG:-/var/log/meshflap-dockerd.log}

say () { printf '[ensure-engine] %s\n' "$*" >&2; }

engine_answers () { docker info >/dev/null 2>&1; }

DEFAULT_PIDFILE=/var/run/docker.pid

# Whether the default socket's engine runs (maybe still starting, or wedged). Only that engine counts:
# another dockerd with its own --pidfile (ci/docker/second-engine.sh's, in its own network namespace
# and socket) would otherwise pass for it, and this script would wait for a default socket nobody serves.
# It is the dockerd named by the default pidfile, or one that has no --pidfile of its own (or names
# the default one) and has not written it yet.
dockerd_runs () {
  local pid args pidfile
  pid=$(cat "$DEFAULT_PIDFILE" 2>/dev/null || true)
  if [ -n "$pid" ] && is_dockerd "$pid"; then return 0; fi
  # pidof skips zombies (a dockerd that just exited can linger as one under a PID 1 that
  # reaps late); pgrep would count it (is_dockerd skips them too)
  for pid in $(if command -v pidof >/dev/null 2>&1; then pidof dockerd; else pgrep -x dockerd; fi 2>/dev/null || true); do
    is_dockerd "$pid" || continue
    args=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null || true)
    pidfile=$(printf '%s\n' "$args" | awk 'take { print; exit } /^(-p|--pidfile)$/ { take = 1 } /^--pidfile=/ { sub(/^--pidfile=/, ""); print; exit }')
    if [ -z "$pidfile" ] || [ "$pidfile" = "$DEFAULT_PIDFILE" ] || [ "$pidfile" = "/run/docker.pid" ]; then return 0; fi
  done
  return 1
}

# a live, non-zombie process called dockerd (a stale pidfile's pid may be reused by anything)
is_dockerd () {
  [ "$(cat "/proc/$1/comm" 2>/dev/null)" = dockerd ] || return 1
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)
  [ -n "$state" ] && [ "$state" != Z ]
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

# the default engine may be starting (or wedged): only start ours when it does not run at all
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
