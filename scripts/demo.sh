#!/usr/bin/env bash
# make demo: the whole story on the embedded default — specimen eID cards in SoftHSM2 and the local
# sandbox STS and hub on loopback HTTPS. Nothing here talks to the real eHealth platform.
#
# The PIN dialog is the project's scripted pinentry, answering the specimen PIN (1234), so the demo
# runs unattended; a practitioner's machine uses the desktop pinentry or the reader's pinpad.
# With a terminal, the agent and the sandbox keep running after the story so that the printed curl
# commands can be tried; Ctrl-C stops them. Without one (DEMO_KEEP_RUNNING=0), they stop at the end.
# Each run has a folder of its own (build/dev/demo/run-*), so two runs never share state.
set -euo pipefail

build=${1:-build/dev}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=$(cd "$build" && pwd)
mkdir -p "$build/demo"
demo=$(mktemp -d "$build/demo/run-XXXXXX")
ehagent="$build/agent/ehagent"
sandbox="$build/sandbox/ehagent-sandbox"
installer="$build/installer/ehagent-install"
pinentry="$build/tests/pinentry/ehagent-test-pinentry"
keep_running=${DEMO_KEEP_RUNNING:-$([ -t 1 ] && echo 1 || echo 0)}

bold() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }
for exe in "$ehagent" "$installer" "$sandbox" "$pinentry"; do [ -x "$exe" ] || die "$exe is missing: run make build"; done

# Every process started in the background is the program itself (exec, not a shell function in a
# subshell), so the pid kept here is the one to stop.
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# shellcheck source=scripts/wait_for_line.sh
source "$root/scripts/wait_for_line.sh"

bold "Specimen cards: Alice SPECIMEN (RSA eID), Bob SPECIMEN (EC P-384 eID), their eHealth tokens"
mkdir -p "$demo/run" "$demo/state"
chmod 700 "$demo/run" "$demo/state"
"$sandbox" specimen --out "$demo/specimen" >/dev/null
# shellcheck disable=SC1091
source "$demo/specimen/env"

bold "The local sandbox: STS and hub on loopback HTTPS"
"$sandbox" serve --specimen "$demo/specimen" --listen 127.0.0.1:0 >"$demo/sandbox.out" 2>"$demo/sandbox.log" &
pids+=($!)
sandbox_url=$(wait_for_line "$demo/sandbox.out" '^listening on https://' | sed 's/^listening on //')
echo "sandbox at $sandbox_url"

printf 'pin 1234\n%.0s' $(seq 1 20) >"$demo/pinentry.script"
cat >"$demo/agent.toml" <<EOF
listen = "127.0.0.1:0"
socket = "$demo/run/api.sock"
modules = ["$EHAGENT_PKCS11_MODULE"]
pinentry = "$pinentry"
log_level = "info"
# The demo walks through each step with curl, the login too (POST /v1/session).
login_on_insert = false
# Both specimen practitioners have an eHealth token here: Alice is the one at this desk.
practitioner_ssin = "78031215280"

[sts]
endpoint = "$sandbox_url/IAM/SecurityTokenService/v1"
trust = ["$demo/specimen/pki/sandbox-sts.pem"]
ca_file = "$demo/specimen/pki/sandbox-ca.pem"

[hubs.rsw]
endpoint = "$sandbox_url/hubservices/intrahub/v3"
hub_id = "1990000035"
ca_file = "$demo/specimen/pki/sandbox-ca.pem"
EOF
# The bundled trust anchors are the real Belgian roots (data/trust); the specimen roots are added
# the way IT staff add a CA, so that the agent's login checks accept the specimen chains.
agent() { "$ehagent" --config "$demo/agent.toml" --state-dir "$demo/state" --bundled-trust "$root/data/trust" "$@"; }
ehinstall() { "$installer" --config "$demo/agent.toml" --state-dir "$demo/state" --bundled-trust "$root/data/trust" "$@"; }

bold "IT staff trust the specimen roots: ehagent-install trust add"
ehinstall trust add "$demo/specimen/pki/belgium-root-ca.pem"
ehinstall trust add "$demo/specimen/pki/ehealth-ca.pem"

bold "ehagent cards (no PIN asked)"
agent cards

bold "IT staff register the client application: ehagent clients add demo-emr"
key=$(agent clients add demo-emr | grep -oE '[A-Za-z0-9_-]{40,}' | head -n1)
[ -n "$key" ] || die "no client key printed"
echo "key: ${key:0:8}… (printed once; only its hash is stored)"

bold "ehagent serve"
EHAGENT_PINENTRY_SCRIPT="$demo/pinentry.script" exec "$ehagent" --config "$demo/agent.toml" \
  --state-dir "$demo/state" --bundled-trust "$root/data/trust" serve >"$demo/agent.out" 2>"$demo/agent.log" &
pids+=($!)
ready=$(wait_for_line "$demo/agent.out" '^ready ')
port=$(sed -E 's/.*tcp=127\.0\.0\.1:([0-9]+).*/\1/' <<<"$ready")
base="http://127.0.0.1:$port"
echo "agent at $base and $demo/run/api.sock"
echo "the practitioner's status page: $base/ (open it in a browser on this machine, as this user)"

# Each step prints the curl command it runs, so that it can be run again as printed.
call() {
  local method=$1 path=$2; shift 2
  local cmd=(curl -sS -X "$method" -H "Authorization: Bearer $key" "$@" "$base$path")
  printf '$ curl -sS -X %s -H "Authorization: Bearer $KEY"' "$method"
  for arg in "$@"; do printf " %q" "$arg"; done
  printf ' %s\n' "$base$path"
  "${cmd[@]}" >"$demo/last.json"
  # Long answers (the SAML assertion, envelopes) are cut here; the whole answer is in last.json.
  head -c 1200 "$demo/last.json"
  [ "$(wc -c <"$demo/last.json")" -le 1200 ] || printf ' …'
  echo
}

# The card monitor needs a moment to see both cards.
for _ in $(seq 1 100); do
  curl -s -H "Authorization: Bearer $key" "$base/v1/status" | grep -q '"78031215280"' && break
  sleep 0.1
done

bold "Status without a key: only the version (any local account may ask)"
printf '$ curl -sS %s\n' "$base/v1/status"
curl -sS "$base/v1/status"; echo

bold "Status to a client: the readers, the identified practitioner and the session"
call GET /v1/status

bold "Alice logs in: her certificates are checked (trust, expiry, revocation), then the eID and eHealth PINs (pinentry), then the STS token"
call POST /v1/session

bold "Her SAML token"
call GET /v1/tokens/saml

bold "A practitioner JWT (eID Authentication key) and an I.AM client assertion (eHealth key)"
call POST /v1/tokens/jwt -H 'Content-Type: application/json' -d '{"kind":"practitioner","audience":"https://emr.example"}'
call POST /v1/tokens/jwt -H 'Content-Type: application/json' \
  -d '{"kind":"iam-client-assertion","client_id":"demo-emr","audience":"https://api-acpt.ehealth.fgov.be/auth/realms/M2M"}'

bold "Consent for the patient whose eID is in the second reader (Bob)"
call POST /v1/hubs/rsw/consents -H 'Content-Type: application/json' -d '{"patient_card":"read"}'

bold "The therapeutic link"
call POST /v1/hubs/rsw/therapeutic-links -H 'Content-Type: application/json' -d '{"patient_card":"read"}'

bold "Alice publishes Bob's Sumehr"
call POST /v1/hubs/rsw/transactions -H 'Content-Type: application/xml' --data-binary "@$root/sandbox/data/hub_sumehr_alice.xml"

bold "The patient's transactions, and who consulted them"
call GET "/v1/hubs/rsw/transactions?patient=82110523358"
call GET "/v1/hubs/rsw/audit-trail?patient=82110523358"

bold "Refused before any signing: an invalid SSIN"
call POST /v1/hubs/rsw/consents -H 'Content-Type: application/json' -d '{"patient":"82110523359"}'

bold "The audit log, and its hash chain"
agent audit list | tail -n 12
agent audit verify

if [ "$keep_running" != 1 ]; then
  cleanup
  echo
  echo "The agent and the sandbox have stopped; this run's files and logs are in $demo."
  exit 0
fi
cat <<EOF

The agent keeps running at $base (and on $demo/run/api.sock); its status page is $base/ . Try:
  KEY=$key
  curl -sS -H "Authorization: Bearer \$KEY" $base/v1/status
  curl -sS -H "Authorization: Bearer \$KEY" $base/v1/cards
  curl -sS -H "Authorization: Bearer \$KEY" $base/v1/tokens/saml
  curl -sS -H "Authorization: Bearer \$KEY" --unix-socket $demo/run/api.sock http://localhost/v1/audit
  curl -sS -H "Authorization: Bearer \$KEY" "$base/v1/hubs/rsw/audit-trail?patient=82110523358"
Ctrl-C stops the agent and the sandbox.
EOF
wait "${pids[@]}"
