#!/usr/bin/env bash
# The Debian package as IT staff meet it: built by CPack from this build, checked by lintian,
# installed with dpkg -i, its commands and man pages run, its units verified by systemd-analyze,
# the agent socket-activated on a Unix socket and a loopback port (systemd-socket-activate, as no
# user manager runs here) and logging to a real journald, then purged, leaving nothing but the
# user's state.
# Usage: package_test.sh BUILD_DIR. Needs root (dpkg -i, a mount namespace for the journal).
set -euo pipefail
build=$(cd "$1" && pwd)
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: installing a package needs root"; exit 77; fi

work=$(mktemp -d /tmp/ehagent-package.XXXXXX)
cleanup() {
  if dpkg-query -W -f='${Status}' ehagent 2>/dev/null | grep -q 'installed'; then dpkg -P ehagent >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

step "build the package"
(cd "$build" && cpack -G DEB -B "$work/deb" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$work"/deb/ehagent_*_amd64.deb)
version=$(dpkg-deb -f "$deb" Version)

step "lintian"
lintian --fail-on error "$deb" 2>&1 | grep -v 'running with root privileges' | tee "$work/lintian.log" || true
if grep -q '^E:' "$work/lintian.log"; then fail "lintian reports errors"; fi
lintian --fail-on error "$deb" >/dev/null 2>&1 || fail "lintian exits non-zero"

step "dpkg -i"
dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i"; }
dpkg -L ehagent >"$work/files"
for command in ehagent ehagent-install ehagent-sandbox; do
  [ "$(/usr/bin/$command --version)" = "$command $version" ] || fail "$command --version"
done
for dir in /usr/share/ehagent/trust /usr/lib/systemd/user /usr/share/bash-completion/completions; do
  [ -d "$dir" ] || fail "$dir missing"
done
ls /usr/share/ehagent/trust/*.pem >/dev/null || fail "no trust anchors"
for pem in /usr/share/ehagent/trust/*.pem; do
  openssl x509 -in "$pem" -noout -subject >/dev/null || fail "$pem is not a certificate"
done
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["openapi"].startswith("3.")' \
  /usr/share/ehagent/openapi.json || fail "openapi.json"

step "man pages render"
for page in /usr/share/man/man1/ehagent.1.gz /usr/share/man/man1/ehagent-sandbox.1.gz \
            /usr/share/man/man5/agent.toml.5.gz /usr/share/man/man8/ehagent-install.8.gz; do
  [ -f "$page" ] || fail "$page missing"
  out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l --warnings "$page" 2>"$work/man.err")
  [ -s "$work/man.err" ] && { cat "$work/man.err"; fail "$page: groff warnings"; }
  echo "$out" | grep -q '^NAME' || fail "$page has no NAME section"
done
man -w ehagent >/dev/null || fail "man ehagent does not find the installed page"

step "bash completion"
out=$(bash -c 'source /usr/share/bash-completion/completions/ehagent-install
  COMP_WORDS=(ehagent-install certs im); COMP_CWORD=2; _ehagent; echo "${COMPREPLY[*]}"')
[ "$out" = "import" ] || fail "completion offered '$out'"

step "systemd-analyze verify"
mkdir -m 0700 "$work/verify-runtime"
systemd-analyze verify /usr/lib/systemd/user/ehagent.socket /usr/lib/systemd/user/ehagent.service \
  || fail "systemd-analyze verify (system scope)"
XDG_RUNTIME_DIR="$work/verify-runtime" systemd-analyze --user verify \
  /usr/lib/systemd/user/ehagent.socket /usr/lib/systemd/user/ehagent.service || fail "systemd-analyze --user verify"

# The practitioner's environment: a home, a runtime dir and state of their own.
export HOME="$work/home" XDG_RUNTIME_DIR="$work/runtime"
mkdir -p -m 0700 "$HOME" "$XDG_RUNTIME_DIR"
state="$HOME/.local/state/ehagent"

step "doctor finds the bundled trust anchors"
ehagent-install doctor --json >"$work/doctor.json" || true   # no card here: some checks fail
python3 - "$work/doctor.json" <<'PY' || fail "doctor"
import json, sys
checks = {c["name"]: c for c in json.load(open(sys.argv[1]))["checks"]}
assert checks["trust_store"]["state"] == "ok", checks["trust_store"]
assert checks["config"]["state"] == "ok", checks["config"]
PY

step "socket activation (systemd-socket-activate) and the journal (a real journald)"
key=$(ehagent clients add package-test 2>/dev/null)
socket="$XDG_RUNTIME_DIR/ehagent/api.sock"
tcp_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p -m 0700 "$XDG_RUNTIME_DIR/ehagent"
# journald in a mount namespace of its own, so that this machine's /run is not touched.
cat >"$work/in-namespace.sh" <<SH
set -euo pipefail
pid=""
activator=""
journald=""
# Whatever step fails, neither the agent nor journald outlives the test.
trap 'for p in \$activator \$pid \$journald; do kill \$p 2>/dev/null || true; done' EXIT
mount -t tmpfs tmpfs /run/systemd
mkdir -p /run/systemd/journal /run/log/journal
mount -t tmpfs tmpfs /run/log
/lib/systemd/systemd-journald >"$work/journald.log" 2>&1 &
journald=\$!
for _ in \$(seq 50); do [ -S /run/systemd/journal/stdout ] && break; sleep 0.1; done
# As systemd does for a service: stdout and stderr are a journal stream (systemd-cat connects
# them) and JOURNAL_STREAM names it (systemd-cat does not set it, so the wrapper does).
systemd-cat -t ehagent-stream systemd-socket-activate -l "$socket" -l "127.0.0.1:$tcp_port" -E HOME -E XDG_RUNTIME_DIR -E PATH \
  sh -c 'export JOURNAL_STREAM=\$(stat -L -c "%d:%i" /proc/self/fd/2); exec /usr/bin/ehagent serve' &
activator=\$!
for _ in \$(seq 50); do [ -S "$socket" ] && break; sleep 0.1; done
# The first connection starts the agent on the socket systemd-socket-activate holds.
status=\$(curl -s --max-time 20 --unix-socket "$socket" http://localhost/v1/status)
echo "\$status" | grep -q '"version":"$version"' || { echo "status: \$status"; exit 11; }
[ -f "$XDG_RUNTIME_DIR/ehagent/endpoint.json" ] || exit 12
[ "\$(stat -c %a "$XDG_RUNTIME_DIR/ehagent/endpoint.json")" = 600 ] || exit 13
[ "\$(stat -c %a "$socket")" = 600 ] || exit 14
python3 - "$XDG_RUNTIME_DIR/ehagent/endpoint.json" "$socket" <<'PY' || exit 15
import json, sys
e = json.load(open(sys.argv[1]))
assert e["socket"] == sys.argv[2] and e["port"] > 0 and e["version"], e
PY
port=\$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$XDG_RUNTIME_DIR/ehagent/endpoint.json")
# The loopback port is the one systemd-socket-activate holds (as a unit's ListenStream= would).
[ "\$port" = "$tcp_port" ] || { echo "listening on \$port, not on the passed port $tcp_port"; exit 18; }
pid=\$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$XDG_RUNTIME_DIR/ehagent/endpoint.json")
# A refusal the audit log records: a practitioner JWT with nobody logged in.
code=\$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 -H "Authorization: Bearer $key" \
  -H 'Content-Type: application/json' -d '{"kind":"practitioner","audience":"https://emr.example"}' \
  "http://127.0.0.1:\$port/v1/tokens/jwt")
[ "\${code:0:1}" = 4 ] || { echo "jwt answered \$code"; exit 16; }
kill -TERM \$pid
for _ in \$(seq 100); do kill -0 \$pid 2>/dev/null || break; sleep 0.1; done
kill -0 \$pid 2>/dev/null && exit 17
sleep 0.3
journalctl --no-pager -o json -t ehagent >"$work/journal.json"
kill \$journald 2>/dev/null || true
SH
unshare -m bash "$work/in-namespace.sh" || fail "socket activation (step exit $?)"
python3 - "$work/journal.json" "$key" <<'PY' || fail "journal entries"
import json, sys
entries = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
assert entries, "nothing in the journal from ehagent"
text = open(sys.argv[1]).read()
assert sys.argv[2] not in text, "the client key reached the journal"
started = [e for e in entries if e.get("MESSAGE", "").startswith("ehagent ") and "listening on" in e["MESSAGE"]]
assert started and started[0]["PRIORITY"] == "6", started
audits = [e for e in entries if e.get("EHAGENT_OPERATION")]
assert audits, "no audit entry with its fields"
refusal = audits[-1]
assert refusal["EHAGENT_OUTCOME"] == "refused", refusal
assert refusal["EHAGENT_CODE"], refusal
assert refusal["EHAGENT_CLIENT"] == "package-test", refusal
assert refusal["PRIORITY"] == "5", refusal
print("journal:", refusal["MESSAGE"], "| code", refusal["EHAGENT_CODE"])
PY
[ -f "$XDG_RUNTIME_DIR/ehagent/endpoint.json" ] && fail "endpoint.json left behind after the agent stopped"

step "dpkg -P leaves nothing but the user's state"
dpkg -P ehagent >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -P"; }
while read -r path; do
  case "$path" in /. | /usr | /usr/bin | /usr/lib | /usr/share | /usr/share/doc | /usr/share/man | /usr/share/man/man[158] | \
    /usr/lib/systemd | /usr/share/bash-completion | /usr/share/bash-completion/completions | /usr/lib/systemd/user) continue ;; esac
  [ -e "$path" ] && fail "$path is still there after dpkg -P"
done <"$work/files"
[ -f "$state/audit.sqlite" ] || fail "the user's audit log went with the package"
echo "package test passed"
