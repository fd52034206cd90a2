#!/usr/bin/env bash
# Runs every benchmark of bench/ from a release build folder and prints their figures
# (`name value unit ratio=<x> budget=<...>`); also writes them to <build>/bench-results.txt.
#   scripts/bench.sh build/release
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}

# The load generator and the reference server for status_rps.
bench_packages=(wrk nginx-light)
missing=()
for p in "${bench_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
  # The package starts a system nginx on port 80; the benchmark runs its own.
  if command -v systemctl >/dev/null 2>&1; then "${sudo_cmd[@]}" systemctl disable --now nginx >/dev/null 2>&1 || true; fi
fi

# Builds the benchmarks and what they spawn (ehagent, ehagent-sandbox, ehagent-test-pinentry),
# nothing else.
cmake --build "$build" -j"${BENCH_BUILD_JOBS:-2}" --target ehagent_bench_all
results="$build/bench-results.txt"
{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git rev-parse --short HEAD 2>/dev/null || echo unknown) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  for name in sign_overhead xml_sign status_rps memory startup; do
    "$build/bench/bench_$name" || echo "$name FAILED (exit $?)"
  done
  "$build/bench/sts_roundtrip" || echo "sts_roundtrip FAILED (exit $?)"
} 2>&1 | tee "$results"
