#!/usr/bin/env bash
# Runs every libFuzzer harness of tests/fuzz for FUZZ_SECONDS each (default 60) under ASan and
# UBSan, in a build folder of its own configured with clang. Each harness starts from its seed and
# regression corpora; new inputs go to a working corpus in the build folder, never into the tree.
# Prints one line per harness with its executions count. A crash leaves its input in
# <build>/artifacts/<harness>/: add it to tests/fuzz/regression/<harness>/ once fixed.
#
#   FUZZ_SECONDS=300 scripts/fuzz.sh            all harnesses, 5 minutes each
#   FUZZ_ONLY="sumehr assuan" scripts/fuzz.sh   a subset
#   FUZZ_BUILD_DIR=build/fuzz (default)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
build=${FUZZ_BUILD_DIR:-build/fuzz}
jobs=${FUZZ_BUILD_JOBS:-2}

# The fuzzing toolchain, kept out of scripts/install-deps.sh so that `make test` stays lean.
# clang 16, not Debian 12's default 14: std::source_location needs __builtin_source_location.
fuzz_packages=(clang-16 libclang-rt-16-dev)
missing=()
for p in "${fuzz_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fuzz: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Every library is instrumented for coverage (fuzzer-no-link); only the harnesses link libFuzzer.
sanitizers="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang-16 CXX=clang++-16 cmake -S . -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEHAGENT_FUZZ=ON -DEHAGENT_BUILD_BENCH=OFF \
    -DCMAKE_C_FLAGS="$sanitizers" -DCMAKE_CXX_FLAGS="$sanitizers" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
fi
cmake --build "$build" -j"$jobs" --target ehagent_fuzz_all

harnesses=()
if [ -n "${FUZZ_ONLY:-}" ]; then
  read -r -a harnesses <<<"$FUZZ_ONLY"
else
  for exe in "$build"/tests/fuzz/fuzz_*; do
    [ -x "$exe" ] && harnesses+=("$(basename "$exe" | sed 's/^fuzz_//')")
  done
fi

# Stack traces with function names, from whichever llvm-symbolizer is installed.
symbolizer=$(command -v llvm-symbolizer-16 || command -v llvm-symbolizer || true)
[ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$symbolizer}
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
summary=()
for name in "${harnesses[@]}"; do
  exe="$build/tests/fuzz/fuzz_$name"
  work="$build/corpus-work/$name"
  artifacts="$build/artifacts/$name"
  log="$build/logs/$name.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  corpora=("$work" "tests/fuzz/corpus/$name")
  [ -d "tests/fuzz/regression/$name" ] && corpora+=("tests/fuzz/regression/$name")
  echo "fuzz: $name for ${seconds}s"
  status=0
  "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "${corpora[@]}" >"$log" 2>&1 || status=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo 0)
  if [ "$status" -ne 0 ]; then
    failed+=("$name")
    summary+=("fuzz_$name FAILED after ${execs:-?} executions (log: $log, inputs: $artifacts)")
    grep -E 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x' "$log" | head -25 || true
  else
    summary+=("fuzz_$name ${execs} executions ${seconds}s coverage=${cov}")
  fi
done

printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes in ${failed[*]}"
  exit 1
fi
