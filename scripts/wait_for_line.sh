# shellcheck shell=bash
# Sourced by the scripts that start the agent and the sandbox and read the address each prints
# once it serves (demo.sh, soak.sh).

# Waits up to 30 s for a line matching $2 in file $1 and prints it; otherwise shows the file and
# exits.
wait_for_line() {
  for _ in $(seq 1 300); do
    if grep -m1 -E "$2" "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  cat "$1" >&2
  echo "$(basename "$0"): timed out waiting for '$2' in $1" >&2
  exit 1
}
