#!/usr/bin/env bash
# The nightly run for any CI: the full interop matrix on the docker runtime, then a failure summary
# (to $GITHUB_STEP_SUMMARY when set, else stdout). Exit code: the matrix's (0 green, 1 red, 2 bad input).
#   ci/nightly.sh [--seeds N] [--runtime docker|process] [extra matrix flags...]
set -uo pipefail
cd "$(dirname "$0")/.."
runtime=docker
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runtime) runtime="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
node ci/setup.mjs || exit 2
if [ "$runtime" = docker ] && [ "$(id -u)" = 0 ]; then bash ci/docker/ensure-engine.sh || exit 2; fi
mkdir -p runs
npx meshflap matrix --runtime "$runtime" "${args[@]}" | tee runs/nightly-matrix.txt
code=${PIPESTATUS[0]}
summary=${GITHUB_STEP_SUMMARY:-/dev/stdout}
{
  echo "## meshflap nightly matrix ($runtime): $([ "$code" = 0 ] && echo green || echo RED)"
  echo
  echo '```'
  grep -E "^(scenario|NEW FAILURE|UNEXPECTED PASS|  report|  reproduce|GREEN|RED)" runs/nightly-matrix.txt || true
  echo '```'
  echo "Summary page: $(ls -d runs/matrix-*/ 2>/dev/null | tail -1)summary.html (in the meshflap-runs artifact)"
} >> "$summary"
exit "$code"
