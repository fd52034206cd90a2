#!/usr/bin/env bash
# The load and fault soak: starts the agent (`ehagent serve`) on the specimen cards through the
# fault-injecting PKCS#11 module, with a private state folder and a client key, and runs the soak
# driver against it for SOAK_SECONDS (default 600). The driver pulls a card every 20 s and prints
# the counts; the agent's audit chain is verified at the end.
#   SOAK_SECONDS=60 scripts/soak.sh build/dev
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/dev}
seconds=${SOAK_SECONDS:-600}

cmake --build "$build" -j"${SOAK_BUILD_JOBS:-2}" --target soak_driver ehagent ehagent-sandbox ehagent_p11fault
agent="$build/agent/ehagent"
fault=$(find "$build/tests/p11fault" -name 'libehagent_p11fault.so' | head -1)
if [ ! -x "$agent" ] || [ -z "$fault" ]; then
  echo "soak: needs $agent and the fault module; build them first" >&2
  exit 1
fi

work=$(mktemp -d)
agent_pid=
cleanup() {
  if [ -n "$agent_pid" ]; then kill "$agent_pid" 2>/dev/null || true; wait "$agent_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$build/sandbox/ehagent-sandbox" specimen --out "$work/specimen" >/dev/null
export SOFTHSM2_CONF="$work/specimen/softhsm2.conf"
export EHAGENT_P11FAULT_CONF="$work/fault.conf"
: >"$EHAGENT_P11FAULT_CONF"
port=$(( 20000 + RANDOM % 20000 ))
cat >"$work/agent.toml" <<TOML
listen = "127.0.0.1:$port"
state_dir = "$work/state"
socket = "$work/agent.sock"
modules = ["$fault"]
TOML
export XDG_RUNTIME_DIR="$work"
key=$("$agent" --config "$work/agent.toml" clients add soak | grep -oE '[A-Za-z0-9_-]{40,}' | head -1)
"$agent" serve --config "$work/agent.toml" >"$work/agent.log" 2>&1 &
agent_pid=$!
for _ in $(seq 1 200); do
  curl -sf "http://127.0.0.1:$port/v1/status" >/dev/null && break
  sleep 0.1
done

status=0
"$build/tests/soak/soak_driver" --seconds "$seconds" --port "$port" --pid "$agent_pid" --key "$key" \
  --fault-control "$EHAGENT_P11FAULT_CONF" || status=$?
"$agent" --config "$work/agent.toml" audit verify || status=1
if ! kill -0 "$agent_pid" 2>/dev/null; then
  echo "soak: the agent is gone; its log:"; tail -20 "$work/agent.log"; status=1
fi
exit $status
