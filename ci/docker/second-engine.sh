#!/usr/bin/env bash
# A second Docker engine on this machine, joined to the first one's swarm as a worker: a two-node
# swarm for `meshflap run --runtime swarm` without a second machine (issue 18).
#
#   sudo ci/docker/second-engine.sh up      netns + veth + dockerd; joins the primary's swarm when it is a manager
#   sudo ci/docker/second-engine.sh down    leaves the swarm, stops that dockerd, removes its files, netns and veth
#   ci/docker/second-engine.sh env          the MESHFLAP_SWARM_ENGINES line the harness needs to reach it
#   ci/docker/second-engine.sh status       one line: up / down, swarm state
#
#   host netns                                      netns meshflap-engine2 (hostname meshflap-engine2)
#   dockerd (/var/run/docker.sock)                  dockerd (/run/meshflap-engine2/docker.sock)
#   manager, advertises its default-route address   worker, advertises 198.18.231.2
#   mfe2-host 198.18.231.1/30  <──── veth ────>  mfe2-ns 198.18.231.2/30 (default route via .1)
#
# Why a network namespace: swarm's ports (2377 control, 7946 gossip, 4789 VXLAN) and each engine's
# iptables rules are per namespace, so two engines on one kernel do not collide, and the harness reaches
# the worker's host-mode published ports at 198.18.231.2 like it would reach a second machine.
# Why its own UTS namespace: swarm names nodes by hostname; placement (node.hostname == ...) and the
# harness's engine map need the two to differ. Why nsenter and not `ip netns exec`: the latter remounts
# /sys, which hides the cgroup mounts dockerd needs.
# 198.18.0.0/15 (RFC 2544, benchmarking) is never handed out by docker's address pools.
#
# Idempotent both ways; `down` leaves nothing of it on the machine (and no node entry on the manager).
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

NAME=${MESHFLAP_ENGINE2_NAME:-meshflap-engine2}
NS=$NAME
HOST_IF=mfe2-host
NS_IF=mfe2-ns
HOST_ADDR=198.18.231.1
NS_ADDR=198.18.231.2
PREFIX=30
EXEC_ROOT=/run/$NAME
DATA_ROOT=/var/lib/$NAME
SOCK=$EXEC_ROOT/docker.sock
PIDFILE=$EXEC_ROOT/dockerd.pid
LOG=$EXEC_ROOT/dockerd.log
WAIT_S=${MESHFLAP_ENGINE2_WAIT_S:-60}

say () { printf '[second-engine] %s\n' "$*" >&2; }
need_root () { [ "$(id -u)" -eq 0 ] || { say "run as root: sudo $0 $1"; exit 1; }; }
d2 () { docker -H "unix://$SOCK" "$@"; }
engine2_answers () { [ -S "$SOCK" ] && d2 info >/dev/null 2>&1; }
dockerd_pid () { [ -f "$PIDFILE" ] && cat "$PIDFILE" 2>/dev/null || true; }
pid_alive () { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

net_up () {
  [ -e "/run/netns/$NS" ] || ip netns add "$NS"
  if ! ip link show "$HOST_IF" >/dev/null 2>&1; then
    ip link add "$HOST_IF" type veth peer name "$NS_IF"
    ip link set "$NS_IF" netns "$NS"
  fi
  ip addr replace "$HOST_ADDR/$PREFIX" dev "$HOST_IF"
  ip link set "$HOST_IF" up
  ip -n "$NS" addr replace "$NS_ADDR/$PREFIX" dev "$NS_IF"
  ip -n "$NS" link set lo up
  ip -n "$NS" link set "$NS_IF" up
  # the manager's advertise address is the host's own (not on the /30): reached through the host end
  ip -n "$NS" route replace default via "$HOST_ADDR"
}

engine_up () {
  if engine2_answers; then return 0; fi
  mkdir -p "$EXEC_ROOT" "$DATA_ROOT"
  if ! pid_alive "$(dockerd_pid)"; then
    say "starting dockerd in netns $NS (socket $SOCK, log $LOG) ..."
    # --bridge=none: swarm tasks use the overlay and docker_gwbridge only; no docker0 to pick a subnet for
    # iptables stays on: its rules live in the namespace (host-mode published ports need its DNAT)
    setsid nohup nsenter --net="/run/netns/$NS" -- unshare --uts -- sh -c '
      hostname "$0" && exec dockerd --data-root "$1" --exec-root "$2" --pidfile "$3" -H "unix://$4" --bridge=none' \
      "$NAME" "$DATA_ROOT" "$EXEC_ROOT/exec" "$PIDFILE" "$SOCK" >>"$LOG" 2>&1 </dev/null &
  fi
  for _ in $(seq 1 "$((WAIT_S * 2))"); do
    if engine2_answers; then return 0; fi
    sleep 0.5
  done
  say "the second dockerd did not answer within ${WAIT_S}s; last lines of $LOG:"
  tail -n 20 "$LOG" >&2 || true
  exit 1
}

join_swarm () {
  local manager_state
  manager_state=$(docker info --format '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}' 2>/dev/null || echo 'unreachable false')
  if [ "$manager_state" != "active true" ]; then
    say "the primary engine is no swarm manager ($manager_state): not joined. \`docker swarm init\` there, then run \`$0 up\` again"
    return 0
  fi
  local cluster mine addr
  addr=$(docker info --format '{{.Swarm.NodeAddr}}')
  vtep_source "$addr"
  cluster=$(docker info --format '{{.Swarm.Cluster.ID}}')
  # a worker's info has no Swarm.Cluster (managers only): it is this swarm's when the manager knows its node id
  mine=$(d2 info --format '{{.Swarm.LocalNodeState}} {{.Swarm.NodeID}}' 2>/dev/null || true)
  if [ "${mine%% *}" = active ] && [ "$(docker node inspect "${mine#* }" --format '{{.Description.Hostname}} {{.Status.State}}' 2>/dev/null)" = "$NAME ready" ]; then
    say "already a worker of swarm $cluster"
    return 0
  fi
  if [ "${mine%% *}" != "inactive" ]; then d2 swarm leave --force >/dev/null 2>&1 || true; fi
  # a node entry left by an earlier engine of this name (down, never removed) would make two
  forget_node
  local token
  token=$(docker swarm join-token -q worker)
  say "joining swarm $cluster at $addr:2377 as a worker (advertise $NS_ADDR) ..."
  d2 swarm join --token "$token" --advertise-addr "$NS_ADDR" --listen-addr "$NS_ADDR:2377" "$addr:2377" >/dev/null
  for _ in $(seq 1 "$((WAIT_S * 2))"); do
    if [ "$(docker node ls --filter "name=$NAME" --format '{{.Hostname}} {{.Status}}' 2>/dev/null)" = "$NAME Ready" ]; then
      say "node $NAME is Ready"
      return 0
    fi
    sleep 0.5
  done
  say "node $NAME did not become Ready within ${WAIT_S}s"
  exit 1
}

# The manager's VXLAN packets to this engine must leave with the manager's advertise address as source.
# The route the kernel makes for the /30 picks HOST_ADDR instead, and the worker's kernel drops those
# packets: its overlay fdb holds each manager-side task MAC as a static entry at the advertise address,
# and a vxlan device with learning on drops a packet whose source differs from a static entry's remote
# (vxlan_snoop). Overlay traffic then only flows worker -> manager. A /32 with `src` fixes the source;
# it goes with the veth on `down`. Only when the advertise address is one of this host's own.
vtep_source () {
  local addr=$1 own
  for own in $(ip -4 -o addr show | awk '{ print $4 }'); do
    if [ -n "$addr" ] && [ "${own%/*}" = "$addr" ]; then
      ip route replace "$NS_ADDR/32" dev "$HOST_IF" src "$addr"
      return 0
    fi
  done
  say "the manager's advertise address ($addr) is not this host's: VXLAN from here may come from $HOST_ADDR"
}

# The manager's entries for this engine's hostname (a worker that left stays listed as Down).
forget_node () {
  docker info --format '{{.Swarm.ControlAvailable}}' 2>/dev/null | grep -qx true || return 0
  local ids
  ids=$(docker node ls --format '{{.ID}} {{.Hostname}}' 2>/dev/null | awk -v n="$NAME" '$2 == n { print $1 }')
  for id in $ids; do docker node rm --force "$id" >/dev/null 2>&1 || true; done
}

engine_down () {
  if engine2_answers; then d2 swarm leave --force >/dev/null 2>&1 || true; fi
  forget_node
  local pid
  pid=$(dockerd_pid)
  if pid_alive "$pid"; then
    say "stopping dockerd $pid ..."
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do pid_alive "$pid" || break; sleep 0.5; done
    if pid_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; sleep 1; fi
  fi
  # shims and containerd of that engine are found by their paths (never by a bare process name)
  local left
  left=$(pgrep -f -- "$EXEC_ROOT/" || true)
  if [ -n "$left" ]; then kill -KILL $left 2>/dev/null || true; sleep 1; fi
  # mounts of its containers and namespaces (deepest first), then its files
  { grep -E " ($EXEC_ROOT|$DATA_ROOT)[/ ]" /proc/mounts || true; } | awk '{ print $2 }' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$DATA_ROOT" "$EXEC_ROOT"
}

net_down () {
  ip link show "$HOST_IF" >/dev/null 2>&1 && ip link del "$HOST_IF"
  if [ -e "/run/netns/$NS" ]; then ip netns del "$NS"; fi
  return 0
}

case "${1:-}" in
  up)
    need_root up
    net_up
    engine_up
    join_swarm
    say "up: $NAME at $NS_ADDR; export $("$0" env)"
    ;;
  down)
    need_root down
    engine_down
    net_down
    say "down: nothing of $NAME is left"
    ;;
  env)
    echo "MESHFLAP_SWARM_ENGINES=$NAME=unix://$SOCK"
    ;;
  status)
    if engine2_answers; then echo "up $(d2 info --format '{{.Name}} swarm={{.Swarm.LocalNodeState}}')"; else echo down; fi
    ;;
  *)
    echo "usage: $0 up|down|env|status" >&2
    exit 2
    ;;
esac
