#!/usr/bin/env bash
# Fails when a file includes a header of a layer above its own. The arrows point one way:
# agent -> hubs -> tokens -> (pkcs11, certs) -> core, and inside agent/:
# pin, config < store < http < session < routes < cli. `make test` runs this (ctest: layers).
# Each folder's README.md says, on its "May include:" line, the folders (or single headers) whose
# headers it may include besides its own; that line is the rule this script checks.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A allowed=()
while IFS= read -r readme; do
  line=$(grep -m1 '^May include:' "$readme" || true)
  [ -n "$line" ] || continue
  deps=${line#May include:}
  [[ "$deps" == *"nothing but its own headers"* ]] && deps=""
  allowed[$(dirname "$readme")]=$(echo $deps)
done < <(git ls-files -- '*README.md' | grep -v '^tests/\|^bench/\|^README.md$')

# The deepest folder of `allowed` that holds the file.
owner() {
  local dir=$1
  while [ "$dir" != "." ]; do
    if [ -n "${allowed[$dir]+set}" ]; then echo "$dir"; return; fi
    dir=$(dirname "$dir")
  done
}

under() {  # under HEADER PREFIX: the header is PREFIX itself or inside folder PREFIX
  [ "$1" = "$2" ] || [[ "$1" == "$2"/* ]]
}

failures=0
while IFS= read -r file; do
  layer=$(owner "$(dirname "$file")")
  if [ -z "$layer" ]; then
    echo "$file: its folder has no README.md with a 'May include:' line"
    failures=$((failures + 1))
    continue
  fi
  while IFS= read -r header; do
    ok=0
    for prefix in "$layer" ${allowed[$layer]}; do
      if under "$header" "$prefix"; then ok=1; break; fi
    done
    # Includes of a file beside this one ("fixture.hpp") and generated headers are not layers.
    [[ "$header" == */* ]] || ok=1
    [ -e "$header" ] || ok=1
    if [ $ok -eq 0 ]; then
      echo "$file includes $header: $layer may include only ${allowed[$layer]:-its own headers}"
      failures=$((failures + 1))
    fi
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file")
done < <(git ls-files -- '*.cpp' '*.hpp' '*.h' '*.c' | grep -v '^tests/\|^bench/')

if [ $failures -gt 0 ]; then
  echo "check-layers: $failures include(s) point up a layer"
  exit 1
fi
echo "check-layers: every include points down"
