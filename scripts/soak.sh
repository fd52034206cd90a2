#!/usr/bin/env bash
# The load and fault soak (`make soak`): the specimen cards behind the fault-injecting PKCS#11
# module, the sandbox STS and hub on loopback HTTPS failing 10 % of calls, and `ehagent serve`
# pointed at them with the scripted pinentry answering the specimen PIN. The soak driver
# (tests/soak) sends mixed traffic for SOAK_SECONDS (default 600), pulls the practitioner's eID out
# every 20 s and logs in again after it, and prints the counts; then the audit chain is verified.
# Exits non-zero on any broken check.
#   SOAK_SECONDS=60 scripts/soak.sh build/dev
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${1:-build/dev}
seconds=${SOAK_SECONDS:-600}
fail_percent=${SOAK_FAIL_PERCENT:-10}

cmake --build "$build" -j"${SOAK_BUILD_JOBS:-2}" \
  --target soak_driver ehagent ehagent-install ehagent-sandbox ehagent_p11fault ehagent-test-pinentry
build=$(cd "$build" && pwd)
agent="$build/agent/ehagent"
installer="$build/installer/ehagent-install"
sandbox="$build/sandbox/ehagent-sandbox"
pinentry="$build/tests/pinentry/ehagent-test-pinentry"
fault=$(find "$build/tests/p11fault" -name 'libehagent_p11fault.so' | head -1)
for exe in "$agent" "$installer" "$sandbox" "$pinentry" "$build/tests/soak/soak_driver"; do
  [ -x "$exe" ] || { echo "soak: $exe is missing" >&2; exit 1; }
done
[ -n "$fault" ] || { echo "soak: the fault module is missing" >&2; exit 1; }

work=$(mktemp -d)
pids=()
status=1
# The logs and the audit log stay for a look when the soak fails, or when SOAK_KEEP=1.
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$status" -eq 0 ] && [ -z "${SOAK_KEEP:-}" ]; then rm -rf "$work"; else echo "soak: logs in $work" >&2; fi
}
trap cleanup EXIT INT TERM

# shellcheck source=scripts/wait_for_line.sh
source "$root/scripts/wait_for_line.sh"

"$sandbox" specimen --out "$work/specimen" >/dev/null
# shellcheck disable=SC1091
source "$work/specimen/env"
mkdir -m 700 "$work/run" "$work/state"

# Bob's cards stay out: with his eID in, the agent would take him as the practitioner while
# Alice's card is pulled, and the rest of the soak would run in his name.
export EHAGENT_P11FAULT_CONF="$work/fault.conf"
echo "removed = Bob SPECIMEN,eHealth Bob SPECIMEN" >"$EHAGENT_P11FAULT_CONF"

echo "{\"fail_percent\": $fail_percent}" >"$work/sts-control.json"
"$sandbox" serve --specimen "$work/specimen" --listen 127.0.0.1:0 --control "$work/sts-control.json" \
  --hub-fail-percent "$fail_percent" >"$work/sandbox.out" 2>"$work/sandbox.log" &
sandbox_pid=$!
pids+=("$sandbox_pid")
sandbox_url=$(wait_for_line "$work/sandbox.out" '^listening on https://' | sed 's/^listening on //')

# Each login takes two PINs and each signature one: more answers than the soak can use.
export EHAGENT_PINENTRY_SCRIPT="$work/pinentry.script"
awk -v n=$((seconds * 100 + 1000)) 'BEGIN { for (i = 0; i < n; i++) print "pin 1234" }' >"$EHAGENT_PINENTRY_SCRIPT"

cat >"$work/agent.toml" <<EOF
listen = "127.0.0.1:0"
socket = "$work/run/api.sock"
state_dir = "$work/state"
modules = ["$fault"]
pinentry = "$pinentry"
login_on_insert = false  # the soak's clients log in, and the pulls would start logins of their own

[sts]
endpoint = "$sandbox_url/IAM/SecurityTokenService/v1"
trust = ["$work/specimen/pki/sandbox-sts.pem"]
ca_file = "$work/specimen/pki/sandbox-ca.pem"

[hubs.sandbox]
endpoint = "$sandbox_url/hubservices/intrahub/v3"
hub_id = "1990000035"
ca_file = "$work/specimen/pki/sandbox-ca.pem"
EOF
ehagent() { "$agent" --config "$work/agent.toml" "$@"; }
# Each login checks the practitioner's certificates against the trust store: the specimen roots
# are added as IT staff add a CA.
for root_ca in belgium-root-ca ehealth-ca; do
  "$installer" --config "$work/agent.toml" trust add "$work/specimen/pki/$root_ca.pem" >/dev/null
done

key=$(ehagent clients add soak | grep -oE '[A-Za-z0-9_-]{40,}' | head -1)
[ -n "$key" ] || { echo "soak: no client key printed" >&2; exit 1; }
# Started directly, not through the function: $! must be the agent itself, whose fds and RSS the
# driver samples.
"$agent" --config "$work/agent.toml" serve >"$work/agent.out" 2>"$work/agent.log" &
agent_pid=$!
pids+=("$agent_pid")
port=$(wait_for_line "$work/agent.out" '^ready ' | sed -E 's/.*tcp=127\.0\.0\.1:([0-9]+).*/\1/')

status=0
"$build/tests/soak/soak_driver" --seconds "$seconds" --port "$port" --pid "$agent_pid" --sandbox-pid "$sandbox_pid" \
  --key "$key" --fault-control "$EHAGENT_P11FAULT_CONF" --sumehr "$root/sandbox/data/hub_sumehr_alice.xml" || status=$?
ehagent audit verify || status=1
if ! kill -0 "$agent_pid" 2>/dev/null; then
  echo "soak: the agent is gone"; status=1
fi
[ "$status" -eq 0 ] || { echo "soak: the agent's log ends:"; tail -20 "$work/agent.log"; }
exit "$status"
