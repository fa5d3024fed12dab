#!/usr/bin/env bash
# Peak memory of a whole meshflap run: the harness and every node and engine it starts
# (one process group), sampled every 100 ms.   bench/peak-memory.sh npx meshflap run fixtures/scenarios/quorum-32.yaml
set -u
setsid "$@" >/tmp/meshflap-peak-memory.out 2>&1 &
leader=$!
pgid=$(ps -o pgid= -p "$leader" | tr -d ' ')
peak=0; start=$(date +%s%N)
while kill -0 "$leader" 2>/dev/null; do
  rss=$(ps -o rss= -g "$pgid" 2>/dev/null | awk '{s+=$1} END {print s+0}')
  [ "$rss" -gt "$peak" ] && peak=$rss
  sleep 0.1
done
wait "$leader"; code=$?
end=$(date +%s%N)
grep -E '^(PASS|FAIL|\?\?\?\?) ' /tmp/meshflap-peak-memory.out
echo "wall $(( (end - start) / 1000000 )) ms, peak RSS of the process group $(( peak / 1024 )) MiB, exit $code"
