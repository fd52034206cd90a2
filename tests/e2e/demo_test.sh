#!/usr/bin/env bash
# make demo, unattended, twice: each run has a folder of its own, ends with a whole audit chain, and
# leaves no process behind that it started (the agent and the sandbox of each run are stopped).
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=()
for n in 1 2; do
  out=$(DEMO_KEEP_RUNNING=0 "$root/scripts/demo.sh" "$build" 2>&1) || { echo "$out"; echo "demo run $n failed"; exit 1; }
  grep -q '^audit chain ok' <<<"$out" || { echo "$out"; echo "run $n: no whole audit chain"; exit 1; }
  if grep -q 'keeps running' <<<"$out"; then echo "run $n says the agent keeps running"; exit 1; fi
  dir=$(sed -n 's/.*this run.s files and logs are in \(.*\)\.$/\1/p' <<<"$out")
  [ -d "$dir" ] || { echo "$out"; echo "run $n did not name its folder"; exit 1; }
  runs+=("$dir")
done
[ "${runs[0]}" != "${runs[1]}" ] || { echo "both runs used ${runs[0]}"; exit 1; }
for dir in "${runs[@]}"; do
  # Both programs were started with this run's folder on their command line.
  if left=$(pgrep -af -- "$dir"); then
    echo "still running after the demo ended:"; echo "$left"; exit 1
  fi
  rm -rf "$dir"
done
echo "demo: two runs, two folders, nothing left running"
