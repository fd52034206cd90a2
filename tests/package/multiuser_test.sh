#!/usr/bin/env bash
# A terminal server: two Unix users (made by this test) each run their own agent at the same time,
# with nothing configured. Each gets a port and a socket of their own, publishes them in
# endpoint.json (0600, theirs), and answers only its own user's client key; the other user's
# socket cannot even be reached. A second agent of one user on the same state is refused with a
# message that names the running one.
# Usage: multiuser_test.sh BUILD_DIR SOURCE_DIR. Needs root (useradd, runuser).
set -euo pipefail
build=$(cd "$1" && pwd)
source_dir=$(cd "$2" && pwd)
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: creating Unix users needs root"; exit 77; fi
agent="$build/agent/ehagent"

work=$(mktemp -d /tmp/ehagent-multiuser.XXXXXX)
chmod 0711 "$work"
users=()
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.2
  for u in "${users[@]}"; do pkill -KILL -u "$u" 2>/dev/null || true; userdel "$u" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Interactive-user uids (not --system), since the per-user port rule counts from uid 1000.
for who in a b; do
  name="eht$$$who"
  useradd --no-create-home --shell /usr/sbin/nologin "$name"
  users+=("$name")
  mkdir -p -m 0700 "$work/$who/home" "$work/$who/run"
  chown -R "$name:" "$work/$who"
done

as() {  # as a|b COMMAND...: runs it as that user, in that user's environment
  local who=$1; shift
  local name="eht$$$who"
  runuser -u "$name" -- env -i PATH=/usr/bin:/bin HOME="$work/$who/home" XDG_RUNTIME_DIR="$work/$who/run" "$@"
}
uid_of() { id -u "eht$$$1"; }
expected_port() { echo $((17443 + ($(uid_of "$1") - 1000) % 2000)); }
port_free() { ! ss -ltnH "sport = :$1" | grep -q .; }

declare -A free_before
for who in a b; do
  port_free "$(expected_port $who)" && free_before[$who]=1 || free_before[$who]=0
  key=$(as $who "$agent" clients add "emr-$who" 2>/dev/null)
  echo "$key" >"$work/$who.key"
  as $who "$agent" serve --bundled-trust "$source_dir/data/trust" >"$work/$who.out" 2>"$work/$who.err" &
  pids+=($!)
done
for who in a b; do
  for _ in $(seq 100); do [ -f "$work/$who/run/ehagent/endpoint.json" ] && break; sleep 0.1; done
  [ -f "$work/$who/run/ehagent/endpoint.json" ] || { cat "$work/$who.err"; fail "agent $who wrote no endpoint.json"; }
done

endpoint() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/$1/run/ehagent/endpoint.json" "$2"; }
for who in a b; do
  file="$work/$who/run/ehagent/endpoint.json"
  [ "$(stat -c '%a %U' "$file")" = "600 eht$$$who" ] || fail "endpoint.json of $who: $(stat -c '%a %U' "$file")"
  [ "$(endpoint $who socket)" = "$work/$who/run/ehagent/api.sock" ] || fail "socket of $who"
  port=$(endpoint $who port)
  # The port the file names is this user's agent's (the listener's owner, from the kernel).
  ss -ltnpH "sport = :$port" | grep -q "pid=$(endpoint $who pid)," || fail "port $port of $who is not its agent's"
  if [ "${free_before[$who]}" = 1 ]; then
    [ "$port" = "$(expected_port $who)" ] || fail "$who: port $port, not its per-user port $(expected_port $who)"
  fi
  echo "user $who (uid $(uid_of $who)): port $port, socket $(endpoint $who socket)"
done
[ "$(endpoint a port)" != "$(endpoint b port)" ] || fail "both agents on one port"

call() {  # call WHO_AS KEY_OF PORT_OF: the HTTP status of GET /v1/audit
  as "$1" curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $(cat "$work/$2.key")" \
    "http://127.0.0.1:$(endpoint "$3" port)/v1/audit"
}
[ "$(call a a a)" = 200 ] || fail "a's key at a's agent: $(call a a a)"
[ "$(call b b b)" = 200 ] || fail "b's key at b's agent: $(call b b b)"
[ "$(call a a b)" = 401 ] || fail "a's key at b's agent: $(call a a b)"
[ "$(call b b a)" = 401 ] || fail "b's key at a's agent: $(call b b a)"
if as a curl -s --max-time 5 --unix-socket "$work/b/run/ehagent/api.sock" http://localhost/v1/status >/dev/null 2>&1; then
  fail "a reached b's Unix socket"
fi
code=$(as a curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $(cat "$work/a.key")" \
  --unix-socket "$work/a/run/ehagent/api.sock" http://localhost/v1/audit)
[ "$code" = 200 ] || fail "a's key on a's own socket: $code"

# A second agent of a on the same state, on another socket and port: refused, naming the first.
if as a "$agent" serve --listen 127.0.0.1:0 --socket "$work/a/run/second.sock" \
     --bundled-trust "$source_dir/data/trust" >"$work/a2.out" 2>"$work/a2.err"; then
  fail "a second agent on the same state started"
fi
grep -q "pid $(endpoint a pid)" "$work/a2.err" || { cat "$work/a2.err"; fail "the refusal does not name the running agent"; }
grep -q "127.0.0.1:$(endpoint a port)" "$work/a2.err" || { cat "$work/a2.err"; fail "the refusal does not say where it listens"; }
echo "refused: $(cat "$work/a2.err")"

# A clean stop removes the endpoint file.
agent_a=$(endpoint a pid)
kill -TERM "$agent_a"
wait "${pids[0]}" || true
for _ in $(seq 50); do kill -0 "$agent_a" 2>/dev/null || break; sleep 0.1; done
[ -f "$work/a/run/ehagent/endpoint.json" ] && fail "a's endpoint.json outlived its agent"
echo "multiuser test passed"
